using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Groove.Cli.Infrastructure;
using Groove.Corpus.Render;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove corpus render --out DIR [--limit N] [--seed S]</c>: labelled training audio rendered from MIDI
/// (<see cref="CorpusRenderer"/>, <see cref="RenderPlan"/>). Reproducible, resumable, with progress.
/// </summary>
internal static class CorpusRenderCommand
{
    private const string Layout = """
        Renders labelled clips (beats, downbeats, tempo, key where known) from MIDI with fluidsynth:
          Groove MIDI Dataset drum performances (drums only: no accompaniment is added), its official split
          (its test split goes to validation); Nottingham tunes (melody + chords, no drums); and full-band mma songs
          (a library groove at 60-200 BPM in a random key playing a diatonic progression).
        Nottingham tunes and mma groove files are held out whole (a seeded hash of the file name) for validation.
        Augmentations, drawn per clip from the seed and its id: soundfont, gain, reverb, time stretch (sox tempo,
          0.75-1.3x on half the non-mma clips), transposition (+-5 semitones), stem gains, low/high-pass EQ,
          white noise (15-40 dB SNR), mp3/ogg re-encoding through ffmpeg, peak level.
        Layout of DIR (for each SPLIT = train, validation; a dataset folder `groove eval` reads):
          SPLIT/audio/ID.wav           mono 22050 Hz 16-bit mix
          SPLIT/stems/ID.drums.wav     drums as mixed (before EQ/noise/codec; absent without drums)
          SPLIT/stems/ID.other.wav     the other instruments as mixed (absent without them)
          SPLIT/beats/ID.beats         time TAB beat-in-bar (1 = downbeat)
          SPLIT/tempo/ID.bpm           median inter-beat tempo
          SPLIT/key/ID.key             key (mma songs and Nottingham tunes)
          SPLIT/info/ID.tsv            the clip's manifest row, written last (marks the clip done)
          manifest.tsv                 all rows (columns in its header)
        """;

    public static Command Create()
    {
        var outDir = new Option<string>("--out", "-o") { Description = "Output folder", Required = true };
        var limit = new Option<int>("--limit") { Description = "Render only the plan's first N clips (0 = all)", DefaultValueFactory = _ => 0 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of every random choice", DefaultValueFactory = _ => 1 };
        var seconds = new Option<double>("--seconds") { Description = "Clip length", DefaultValueFactory = _ => 30 };
        var data = new Option<string?>("--data") { Description = "Folder holding midi/groove and midi/nottingham (default: ../shared/data, found from the current folder upwards)" };
        var mmaLib = new Option<string>("--mma-library") { Description = "mma's groove library", DefaultValueFactory = _ => "/usr/share/mma/lib/stdlib" };
        var mmaSongs = new Option<int>("--mma-songs") { Description = "mma songs in the plan", DefaultValueFactory = _ => 2000 };
        var sources = new Option<string>("--sources") { Description = "Comma-separated: gmd, nottingham, mma", DefaultValueFactory = _ => "gmd,nottingham,mma" };
        var fonts = new Option<string[]>("--soundfont") { Description = "General MIDI soundfont (repeatable; default FluidR3_GM, MuseScore_General_Full, TimGM6mb under /usr/share/sounds/sf2)", Arity = ArgumentArity.ZeroOrMore };
        var dryRun = new Option<bool>("--plan-only") { Description = "Print the plan (id, split, source, file) and render nothing" };
        var cmd = new Command("render", "Render labelled beat/downbeat/tempo/key training audio from MIDI (fluidsynth, mma)\n\n" + Layout)
        {
            outDir, limit, seed, seconds, data, mmaLib, mmaSongs, sources, fonts, dryRun,
        };
        cmd.SetAction(parse =>
        {
            try
            {
                var dir = parse.GetValue(outDir)!;
                if (File.Exists(dir)) throw new GrooveException($"{dir}: --out must be a folder, and this is a file");
                var use = parse.GetValue(sources)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
                foreach (var u in use) if (u is not ("gmd" or "nottingham" or "mma")) throw new GrooveException($"unknown source '{u}' (choose from gmd, nottingham, mma)");
                string? root = parse.GetValue(data) ?? FindData();
                if ((use.Contains("gmd") || use.Contains("nottingham")) && root is null)
                    throw new GrooveException("../shared/data was not found from the current folder: pass --data");
                var sf = parse.GetValue(fonts) is { Length: > 0 } given ? given
                    : new[] { "FluidR3_GM.sf2", "MuseScore_General_Full.sf2", "TimGM6mb.sf2" }.Select(f => Path.Combine("/usr/share/sounds/sf2", f)).ToArray();
                foreach (var f in sf) if (!File.Exists(f)) throw new GrooveException($"{f}: no such soundfont (apt-get install fluid-soundfont-gm musescore-general-soundfont timgm6mb-soundfont, or pass --soundfont)");
                var settings = new RenderSettings
                {
                    OutDir = dir, Limit = parse.GetValue(limit), Seed = parse.GetValue(seed), ClipSeconds = parse.GetValue(seconds),
                    GrooveMidiDir = use.Contains("gmd") ? Path.Combine(root!, "midi", "groove") : null,
                    NottinghamDir = use.Contains("nottingham") ? Path.Combine(root!, "midi", "nottingham") : null,
                    MmaLibrary = use.Contains("mma") ? parse.GetValue(mmaLib) : null, MmaSongs = parse.GetValue(mmaSongs), SoundFonts = sf,
                };
                var plan = RenderPlan.Create(settings);
                if (parse.GetValue(dryRun))
                {
                    foreach (var c in plan) Console.WriteLine($"{c.Id}\t{c.Split}\t{c.Source}\t{c.SourceFile}");
                    return 0;
                }
                using var signals = new StopSignals();
                var clock = Stopwatch.StartNew();
                {
                    var renderer = new CorpusRenderer(settings);
                    int train = plan.Count(c => c.Split == RenderPlan.Train);
                    Console.Error.WriteLine($"plan: {plan.Count} clips ({train} train, {plan.Count - train} validation) into {dir}");
                    var (rendered, skipped, failed) = renderer.RenderAll(plan,
                        (n, total, id) => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"[{n}/{total}] {id} ({clock.Elapsed.TotalMinutes:F1} min)")),
                        Reporter.Warning, signals.Token);
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{(signals.StopRequested ? "stopped" : "done")}: {rendered} rendered, {skipped} already there, {failed} failed in {clock.Elapsed.TotalMinutes:F1} min; manifest {Path.Combine(dir, "manifest.tsv")}"));
                    return signals.StopRequested ? 130 : 0;
                }
            }
            catch (Exception e) { return Reporter.Fatal(e); }
        });
        return cmd;
    }

    private static string? FindData()
    {
        for (var d = new DirectoryInfo(Environment.CurrentDirectory); d != null; d = d.Parent)
        {
            var p = Path.Combine(d.FullName, "..", "shared", "data");
            if (Directory.Exists(Path.Combine(p, "midi"))) return Path.GetFullPath(p);
            p = Path.Combine(d.FullName, "shared", "data");
            if (Directory.Exists(Path.Combine(p, "midi"))) return Path.GetFullPath(p);
        }
        return null;
    }
}
