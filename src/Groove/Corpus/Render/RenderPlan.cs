using System.Globalization;
using System.Text.RegularExpressions;

namespace Groove.Corpus.Render;

/// <summary>
/// The deterministic list of clips of <c>groove corpus render</c>: Groove MIDI performances (its official split; its
/// test split goes to validation too), Nottingham tunes and mma songs (whole tunes and whole mma groove files held out
/// by a seeded hash of the file name), interleaved source by source so that the first N clips mix all three. Every
/// choice of a clip is drawn from the seed and the clip's id alone.
/// </summary>
public static partial class RenderPlan
{
    /// <summary>Split names.</summary>
    public const string Train = "train", Validation = "validation";

    private static readonly string[] Tonics = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"];
    private static readonly string[][] MajorProgressions =
        [["I", "IV", "V", "I"], ["I", "vi", "IV", "V"], ["I", "V", "vi", "IV"], ["ii7", "V7", "I", "I"], ["I", "vi", "ii", "V7"], ["IV", "V", "I", "I"]];
    private static readonly string[][] MinorProgressions =
        [["i", "iv", "V", "i"], ["i", "VI", "iv", "V"], ["i", "VII", "VI", "V"], ["iv", "V", "i", "i"], ["i", "III", "iv", "V7"]];

    /// <summary>All clips, in render order.</summary>
    public static List<RenderClip> Create(RenderSettings s)
    {
        if (s.SoundFonts.Count == 0) throw new GrooveException("give at least one soundfont");
        var lists = new List<List<RenderClip>>();
        if (s.GrooveMidiDir != null) lists.Add(Shuffled(GrooveMidi(s), s.Seed, "gmd"));
        if (s.NottinghamDir != null) lists.Add(Shuffled(Nottingham(s), s.Seed, "nottingham"));
        if (s.MmaLibrary != null) lists.Add(MmaSongs(s));
        var plan = new List<RenderClip>();
        for (int i = 0; lists.Any(l => i < l.Count); i++)
            foreach (var l in lists)
                if (i < l.Count) plan.Add(l[i]);
        return s.Limit > 0 ? plan.Take(s.Limit).ToList() : plan;
    }

    /// <summary>A stable 64-bit hash (FNV-1a, then splitmix64's finaliser) of text: the same on every machine and run.</summary>
    public static ulong Hash(string text)
    {
        ulong h = 14695981039346656037;
        foreach (char c in text) { h ^= c; h *= 1099511628211; }
        // splitmix64's finaliser: FNV alone leaves the high bits of similar strings correlated.
        h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9;
        h = (h ^ (h >> 27)) * 0x94D049BB133111EB;
        return h ^ (h >> 31);
    }

    /// <summary>True when <paramref name="unit"/> (a file name) is held out for validation.</summary>
    public static bool HeldOut(string unit, ulong seed, double fraction) =>
        (Hash(string.Create(CultureInfo.InvariantCulture, $"{seed}:split:{unit}")) >> 11) * (1.0 / (1UL << 53)) < fraction;

    private static List<RenderClip> Shuffled(List<RenderClip> clips, ulong seed, string name)
    {
        var a = clips.OrderBy(c => c.Id, StringComparer.Ordinal).ToArray();
        new Rng(Hash($"{seed}:order:{name}")).Shuffle(a.AsSpan());
        return [.. a];
    }

    private static List<RenderClip> GrooveMidi(RenderSettings s)
    {
        var info = Path.Combine(s.GrooveMidiDir!, "info.csv");
        if (!File.Exists(info)) throw new GrooveException($"{info}: no such file (--groove-midi takes the Groove MIDI Dataset folder)");
        var lines = File.ReadAllLines(info);
        var header = lines[0].Split(',');
        int Col(string n) => Array.IndexOf(header, n) is var i and >= 0 ? i : throw new GrooveException($"{info}: no column '{n}'");
        int cType = Col("beat_type"), cMidi = Col("midi_filename"), cDur = Col("duration"), cSplit = Col("split");
        var clips = new List<RenderClip>();
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split(',');
            if (f.Length < header.Length || f[cType] != "beat") continue;
            double duration = double.Parse(f[cDur], CultureInfo.InvariantCulture);
            if (duration < 10 || duration > 150) continue;
            var file = Path.Combine(s.GrooveMidiDir!, f[cMidi]);
            var id = "gmd-" + Path.ChangeExtension(f[cMidi], null).Replace('/', '-').Replace('_', '-');
            clips.Add(Draw(s, id, RenderSource.GrooveMidi, file, f[cSplit] == "train" ? Train : Validation, null));
        }
        return clips;
    }

    private static List<RenderClip> Nottingham(RenderSettings s)
    {
        if (!Directory.Exists(s.NottinghamDir)) throw new GrooveException($"{s.NottinghamDir}: no such folder");
        return Directory.GetFiles(s.NottinghamDir!, "*.mid").OrderBy(f => f, StringComparer.Ordinal)
            .Select(f =>
            {
                var name = Path.GetFileNameWithoutExtension(f);
                return Draw(s, "nottingham-" + name, RenderSource.Nottingham, f, HeldOut(name, s.Seed, s.ValidationFraction) ? Validation : Train, null);
            }).ToList();
    }

    /// <summary>Playable grooves of mma's library, by file (no intros, endings, fills, metronomes).</summary>
    public static SortedDictionary<string, List<string>> MmaGrooves(string library)
    {
        if (!Directory.Exists(library)) throw new GrooveException($"{library}: no such folder (mma's groove library, e.g. /usr/share/mma/lib/stdlib)");
        var result = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var f in Directory.GetFiles(library, "*.mma"))
        {
            var name = Path.GetFileNameWithoutExtension(f);
            if (name.StartsWith("metronome", StringComparison.Ordinal) || name == "none") continue;
            var grooves = DefGroove().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)
                .Where(g => !SkipGroove().IsMatch(g)).Distinct(StringComparer.Ordinal).OrderBy(g => g, StringComparer.Ordinal).ToList();
            if (grooves.Count > 0) result[name] = grooves;
        }
        return result;
    }

    private static List<RenderClip> MmaSongs(RenderSettings s)
    {
        var lib = MmaGrooves(s.MmaLibrary!);
        var files = lib.Keys.ToArray();
        if (files.Length == 0) throw new GrooveException($"{s.MmaLibrary}: no mma grooves");
        var clips = new List<RenderClip>();
        for (int i = 0; i < s.MmaSongs; i++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"mma-{i:D5}");
            var r = new Rng(Hash($"{s.Seed}:song:{id}"));
            var file = files[r.NextInt(files.Length)];
            var groove = lib[file][r.NextInt(lib[file].Count)];
            int tempo = 60 + r.NextInt(141);
            int tonic = r.NextInt(12);
            bool minor = r.NextInt(2) == 1;
            var chords = new List<string>();
            var progressions = minor ? MinorProgressions : MajorProgressions;
            int barsNeeded = (int)Math.Ceiling(s.ClipSeconds * 1.6 * tempo / 60 / 2) + 2; // enough even in 2/4, after a 1.4x stretch
            while (chords.Count < barsNeeded)
                foreach (var numeral in progressions[r.NextInt(progressions.Length)]) chords.Add(Chord(tonic, numeral));
            var key = $"{Tonics[tonic]} {(minor ? "minor" : "major")}";
            var song = new MmaSong(groove, tempo, key, chords, 1 + r.NextInt(100000));
            clips.Add(Draw(s, id, RenderSource.Mma, file, HeldOut(file, s.Seed, s.ValidationFraction) ? Validation : Train, song));
        }
        return clips;
    }

    private static string Chord(int tonic, string numeral)
    {
        (int offset, string suffix) = numeral switch
        {
            "I" => (0, ""), "ii" => (2, "m"), "ii7" => (2, "m7"), "iii" => (4, "m"), "IV" => (5, ""), "V" => (7, ""), "V7" => (7, "7"),
            "vi" => (9, "m"), "i" => (0, "m"), "III" => (3, ""), "iv" => (5, "m"), "VI" => (8, ""), "VII" => (10, ""),
            _ => throw new InvalidOperationException(numeral),
        };
        return Tonics[(tonic + offset) % 12] + suffix;
    }

    private static RenderClip Draw(RenderSettings s, string id, RenderSource source, string file, string split, MmaSong? song)
    {
        var r = new Rng(Hash($"{s.Seed}:render:{id}"));
        var soundFont = s.SoundFonts[r.NextInt(s.SoundFonts.Count)];
        double gain = 0.4 + 0.5 * r.NextDouble();
        bool reverb = r.NextDouble() < 0.5;
        // mma songs already have a drawn tempo; others are stretched by up to ±30% in half the clips.
        double tempoFactor = source != RenderSource.Mma && r.NextDouble() < 0.5 ? Math.Round(0.75 + 0.55 * r.NextDouble(), 3) : 1;
        int transpose = source != RenderSource.GrooveMidi && r.NextDouble() < 0.5 ? r.NextInt(11) - 5 : 0;
        double drumGain = Math.Round(-9 + 12 * r.NextDouble(), 1), otherGain = Math.Round(-9 + 12 * r.NextDouble(), 1);
        double u = r.NextDouble();
        string eq = u < 0.6 ? "none" : u < 0.8
            ? string.Create(CultureInfo.InvariantCulture, $"lowpass:{1500 + r.NextInt(6000)}")
            : string.Create(CultureInfo.InvariantCulture, $"highpass:{60 + r.NextInt(300)}");
        double noise = r.NextDouble() < 0.3 ? Math.Round(15 + 25 * r.NextDouble(), 1) : double.PositiveInfinity;
        double c = r.NextDouble();
        string codec = c < 0.7 ? "wav" : c < 0.85
            ? string.Create(CultureInfo.InvariantCulture, $"mp3:{new[] { 64, 96, 128 }[r.NextInt(3)]}")
            : string.Create(CultureInfo.InvariantCulture, $"ogg:{r.NextInt(4)}");
        double peak = Math.Round(-12 + 11 * r.NextDouble(), 1);
        return new RenderClip(id, source, file, split, soundFont, Math.Round(gain, 3), reverb, tempoFactor, transpose, drumGain, otherGain,
            eq, noise, codec, peak, song);
    }

    [GeneratedRegex(@"^\s*DefGroove\s+(\S+)", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex DefGroove();

    [GeneratedRegex("intro|end|fill|metronome", RegexOptions.IgnoreCase)]
    private static partial Regex SkipGroove();
}
