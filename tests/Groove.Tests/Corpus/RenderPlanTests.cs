using Groove.Corpus.Render;
using Groove.Tests.Support;

namespace Groove.Tests.Corpus;

public sealed class RenderPlanTests
{
    /// <summary>A fake Groove MIDI folder (info.csv), Nottingham folder and mma library: the plan reads only names.</summary>
    private static RenderSettings Fake(TempDir tmp, int nottingham = 60, int mmaSongs = 80)
    {
        var gmd = tmp.File("groove");
        Directory.CreateDirectory(gmd);
        var rows = new List<string> { "drummer,session,id,style,bpm,beat_type,time_signature,midi_filename,audio_filename,duration,split" };
        for (int i = 0; i < 12; i++)
            rows.Add($"drummer1,s,{i},rock,120,{(i == 11 ? "fill" : "beat")},4-4,drummer1/s/{i}_rock_120_beat_4-4.mid,x.wav,{(i == 10 ? 200 : 30)},{(i % 3 == 0 ? "test" : i % 3 == 1 ? "validation" : "train")}");
        File.WriteAllLines(Path.Combine(gmd, "info.csv"), rows);
        var nott = tmp.File("nottingham");
        Directory.CreateDirectory(nott);
        for (int i = 0; i < nottingham; i++) File.WriteAllBytes(Path.Combine(nott, $"jigs{i}.mid"), []);
        var lib = tmp.File("stdlib");
        Directory.CreateDirectory(lib);
        for (int i = 0; i < 12; i++)
            File.WriteAllText(Path.Combine(lib, $"style{i}.mma"), $"DefGroove Style{i}\nDefGroove Style{i}Sus\nDefGroove Style{i}Intro\nDefGroove Style{i}End\n");
        File.WriteAllText(Path.Combine(lib, "metronome.mma"), "DefGroove Metronome2\n");
        return new RenderSettings
        {
            OutDir = tmp.File("out"), GrooveMidiDir = gmd, NottinghamDir = nott, MmaLibrary = lib, MmaSongs = mmaSongs,
            SoundFonts = ["a.sf2", "b.sf2"], ValidationFraction = 0.25,
        };
    }

    [Fact]
    public void Holds_out_whole_source_files_and_keeps_the_official_Groove_MIDI_split()
    {
        using var tmp = new TempDir();
        var plan = RenderPlan.Create(Fake(tmp));
        Assert.Equal(plan.Count, plan.Select(c => c.Id).Distinct().Count());
        // Every source file (a tune, a Groove MIDI performance, an mma groove file) lies in one split only.
        foreach (var g in plan.GroupBy(c => (c.Source, c.SourceFile)))
            Assert.Single(g.Select(c => c.Split).Distinct());
        // Groove MIDI: beats only (no fills), at most 150 s; train stays train, validation and test go to validation.
        var gmd = plan.Where(c => c.Source == RenderSource.GrooveMidi).ToList();
        Assert.Equal(10, gmd.Count);
        foreach (var c in gmd)
        {
            int i = int.Parse(Path.GetFileName(c.SourceFile).Split('_')[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(i % 3 == 2 ? "train" : "validation", c.Split);
        }
        // Both splits are used for the hashed sources; the share held out is near the fraction asked.
        var nott = plan.Where(c => c.Source == RenderSource.Nottingham).ToList();
        int held = nott.Count(c => c.Split == "validation");
        Assert.InRange(held, 5, 28); // 60 tunes × 0.25 = 15 expected; binomial sd 3.4
        var mma = plan.Where(c => c.Source == RenderSource.Mma).ToList();
        Assert.Contains(mma, c => c.Split == "train");
        Assert.Contains(mma, c => c.Split == "validation");
        Assert.DoesNotContain(mma, c => c.SourceFile == "metronome" || c.Mma!.Groove.Contains("Intro", StringComparison.Ordinal));
        Assert.All(mma, c => Assert.InRange(c.Mma!.Tempo, 60, 200));
    }

    [Fact]
    public void Is_reproducible_and_a_limit_takes_from_every_source()
    {
        using var tmp = new TempDir();
        var a = RenderPlan.Create(Fake(tmp));
        var b = RenderPlan.Create(Fake(tmp));
        Assert.Equal(a.Select(c => c with { Mma = null }), b.Select(c => c with { Mma = null }));
        Assert.Equal(a.Select(c => c.Mma?.Text()), b.Select(c => c.Mma?.Text()));
        var first = RenderPlan.Create(Fake(tmp) with { Limit = 9 });
        Assert.Equal(a.Take(9).Select(c => c.Id), first.Select(c => c.Id));
        Assert.Equal(3, first.Select(c => c.Source).Distinct().Count());
        // A clip's draws depend on its id and the seed, not on the rest of the plan.
        using var tmp2 = new TempDir();
        var fewer = RenderPlan.Create(Fake(tmp2, nottingham: 30, mmaSongs: 10));
        Assert.Equal(10 + 30 + 10, fewer.Count);
        foreach (var c in fewer) Assert.Equal(a.Single(x => x.Id == c.Id) with { Mma = null, SourceFile = "" }, c with { Mma = null, SourceFile = "" });
        var other = RenderPlan.Create(Fake(tmp) with { Seed = 2 });
        Assert.NotEqual(a.Select(c => c.SoundFont + c.Transpose), other.Select(c => c.SoundFont + c.Transpose));
    }

    [Fact]
    public void The_manifest_gathers_the_rows_of_finished_clips_in_plan_order()
    {
        using var tmp = new TempDir();
        var settings = Fake(tmp, nottingham: 4, mmaSongs: 3);
        var plan = RenderPlan.Create(settings);
        var renderer = new CorpusRenderer(settings);
        // Two clips are done (their info row exists), the others are not.
        foreach (var c in new[] { plan[4], plan[1] })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(renderer.InfoPath(c))!);
            File.WriteAllText(renderer.InfoPath(c), $"{c.Id}\t{c.Split}\n");
        }
        renderer.WriteManifest(plan);
        var lines = File.ReadAllLines(Path.Combine(settings.OutDir, "manifest.tsv"));
        Assert.Equal(CorpusRenderer.ManifestHeader, lines[0]);
        Assert.Equal([$"{plan[1].Id}\t{plan[1].Split}", $"{plan[4].Id}\t{plan[4].Split}"], lines[1..]);
        Assert.EndsWith(Path.Combine(plan[1].Split, "info", plan[1].Id + ".tsv"), renderer.InfoPath(plan[1]), StringComparison.Ordinal);
    }
}
