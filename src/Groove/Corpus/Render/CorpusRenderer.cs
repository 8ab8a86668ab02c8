using System.Globalization;
using System.Text;
using Groove.Audio;
using Groove.IO;
using Groove.IO.Annotations;
using Groove.IO.Midi;

namespace Groove.Corpus.Render;

/// <summary>
/// Renders the clips of a <see cref="RenderPlan"/> to labelled audio (<c>groove corpus render</c>): MIDI (a file, or
/// mma's arrangement of a song) → pitched notes transposed → drums and the other instruments rendered separately by
/// fluidsynth with the clip's soundfont → the clip's window (from the first note) time-stretched by sox → stems mixed
/// with their gains → EQ, noise, peak level → optionally encoded and decoded back (mp3/ogg through ffmpeg).
/// Beats and downbeats come from the MIDI tempo map and time signatures (<see cref="MidiBeatGrid"/>), scaled by the
/// stretch. Layout under the output folder, per split (train, validation):
/// <c>SPLIT/audio/ID.wav</c> (mono 22050 Hz 16-bit mix), <c>SPLIT/stems/ID.drums.wav</c> and <c>ID.other.wav</c> (the
/// stems as mixed, before EQ/noise/codec; absent when a clip has no such notes), <c>SPLIT/beats/ID.beats</c> (time TAB
/// beat-in-bar), <c>SPLIT/tempo/ID.bpm</c>, <c>SPLIT/key/ID.key</c> (when known) and <c>SPLIT/info/ID.tsv</c> (the
/// clip's manifest row, written last: a clip with it is done and skipped on a rerun); <c>manifest.tsv</c> gathers the
/// rows. Every file is written atomically, so a killed run resumes where it stopped.
/// </summary>
public sealed class CorpusRenderer(RenderSettings settings)
{
    /// <summary>Columns of manifest.tsv.</summary>
    public const string ManifestHeader =
        "id\tsplit\tsource\tsource_file\tseconds\ttempo_bpm\tbeats_per_bar\tbeats\tkey\tsoundfont\tgain\treverb\ttempo_factor\ttranspose\tdrum_gain_db\tother_gain_db\teq\tnoise_snr_db\tcodec\tpeak_db\tmma_groove";

    private const int Rate = 22050;

    /// <summary>The clip's manifest row file (its presence marks the clip done).</summary>
    public string InfoPath(RenderClip clip) => Path.Combine(settings.OutDir, clip.Split, "info", clip.Id + ".tsv");

    /// <summary>Renders every clip of <paramref name="plan"/> that is not done; returns (rendered, skipped, failed).</summary>
    /// <param name="plan">The clips.</param>
    /// <param name="progress">Told (clips handled, total, clip id) after each clip.</param>
    /// <param name="warn">One line per clip that failed (it is skipped, the rest go on).</param>
    /// <param name="ct">Stops between clips (or inside one; its files are not written).</param>
    public (int Rendered, int Skipped, int Failed) RenderAll(IReadOnlyList<RenderClip> plan, Action<int, int, string>? progress, Action<string> warn,
        CancellationToken ct)
    {
        MissingToolException.ThrowIfMissing(RenderTools.Required);
        if (plan.Any(c => c.Mma != null)) MissingToolException.ThrowIfMissing(("mma", "mma"));
        int rendered = 0, skipped = 0, failed = 0;
        for (int i = 0; i < plan.Count && !ct.IsCancellationRequested; i++)
        {
            var clip = plan[i];
            if (File.Exists(InfoPath(clip))) skipped++;
            else
            {
                try { Render(clip, ct); rendered++; }
                catch (OperationCanceledException) { break; }
                catch (GrooveException e) { failed++; warn($"{clip.Id}: {e.Message}"); }
            }
            progress?.Invoke(i + 1, plan.Count, clip.Id);
            if (rendered > 0 && rendered % 25 == 0) WriteManifest(plan);
        }
        WriteManifest(plan);
        return (rendered, skipped, failed);
    }

    /// <summary>Writes manifest.tsv from the info rows of the clips that are done, in plan order.</summary>
    public void WriteManifest(IReadOnlyList<RenderClip> plan)
    {
        var sb = new StringBuilder(ManifestHeader).Append('\n');
        foreach (var clip in plan)
            if (File.Exists(InfoPath(clip))) sb.Append(File.ReadAllText(InfoPath(clip)).TrimEnd('\n')).Append('\n');
        Directory.CreateDirectory(settings.OutDir);
        AtomicFile.WriteAllText(Path.Combine(settings.OutDir, "manifest.tsv"), sb.ToString());
    }

    /// <summary>Renders one clip (its files are written only when all of it succeeded).</summary>
    /// <exception cref="GrooveException">A tool failed or the source is unusable.</exception>
    public void Render(RenderClip clip, CancellationToken ct)
    {
        var tmp = Path.Combine(settings.OutDir, ".tmp", clip.Id);
        Directory.CreateDirectory(tmp);
        try { RenderIn(clip, tmp, ct); }
        finally { try { Directory.Delete(tmp, recursive: true); } catch (IOException) { } }
    }

    private void RenderIn(RenderClip clip, string tmp, CancellationToken ct)
    {
        string midiPath = clip.SourceFile;
        if (clip.Mma != null)
        {
            var mmaPath = Path.Combine(tmp, "song.mma");
            File.WriteAllText(mmaPath, clip.Mma.Text());
            midiPath = Path.Combine(tmp, "song.mid");
            RenderTools.Run("mma", [mmaPath, "-f", midiPath], ct);
        }
        var midi = MidiFile.Read(midiPath);
        var notes = midi.Notes();
        if (notes.Count == 0) throw new GrooveException($"{midiPath}: no notes");
        bool hasDrums = notes.Any(n => n.Channel == MidiFile.DrumChannel), hasOther = notes.Any(n => n.Channel != MidiFile.DrumChannel);
        double start = Math.Max(0, notes[0].Start - 0.05);
        double window = settings.ClipSeconds * clip.TempoFactor; // source seconds that become the clip

        float[]? drums = hasDrums ? Stem(midi, clip, tmp, "drums", ch => ch == MidiFile.DrumChannel, start, window, ct) : null;
        float[]? other = hasOther ? Stem(midi, clip, tmp, "other", ch => ch != MidiFile.DrumChannel, start, window, ct) : null;
        int length = Math.Max(drums?.Length ?? 0, other?.Length ?? 0);
        if (length < Rate * 5) throw new GrooveException($"only {length / (double)Rate:F1} s of audio");
        Scale(drums, Db(clip.DrumGain));
        Scale(other, Db(clip.OtherGain));
        var mix = new float[length];
        if (drums != null) for (int i = 0; i < drums.Length; i++) mix[i] += drums[i];
        if (other != null) for (int i = 0; i < other.Length; i++) mix[i] += other[i];
        // One level for the stems and the clean mix, so that the stems still add up to it.
        float peak = 0;
        foreach (var v in mix) peak = Math.Max(peak, Math.Abs(v));
        if (peak <= 0) throw new GrooveException("silent render");
        float norm = (float)(Db(clip.PeakDb) / peak);
        Scale(drums, norm); Scale(other, norm); Scale(mix, norm);

        var r = new Rng(RenderPlan.Hash(clip.Id + ":noise"));
        ApplyEq(mix, clip.Eq);
        if (double.IsFinite(clip.NoiseSnrDb))
        {
            double rms = Math.Sqrt(mix.Sum(v => (double)v * v) / mix.Length);
            float sigma = (float)(rms / Db(clip.NoiseSnrDb));
            for (int i = 0; i < mix.Length; i++) mix[i] += sigma * (float)r.NextNormal();
        }
        float p2 = 0;
        foreach (var v in mix) p2 = Math.Max(p2, Math.Abs(v));
        if (p2 > 0.999f) Scale(mix, 0.999f / p2);
        if (clip.Codec != "wav") mix = Reencode(mix, clip.Codec, tmp, ct);

        // Labels: the MIDI grid in the clip's time.
        double seconds = length / (double)Rate;
        var beats = MidiBeatGrid.Beats(midi)
            .Select(b => new Beat((b.Time - start) / clip.TempoFactor, b.BeatInBar))
            .Where(b => b.Time >= 0 && b.Time < seconds).ToList();
        if (beats.Count < 4) throw new GrooveException("fewer than 4 beats in the clip");
        var intervals = beats.Zip(beats.Skip(1), (a, b) => b.Time - a.Time).OrderBy(x => x).ToArray();
        double bpm = 60 / intervals[intervals.Length / 2];
        int beatsPerBar = beats.Max(b => b.BeatInBar);
        string? key = clip.Mma?.Key ?? (clip.Source == RenderSource.Nottingham ? NottinghamKey(midi, clip.Transpose) : null);

        var dir = Path.Combine(settings.OutDir, clip.Split);
        string Sub(string sub, string file) { var d = Path.Combine(dir, sub); Directory.CreateDirectory(d); return Path.Combine(d, file); }
        if (drums != null) WavWriter.Write(Sub("stems", clip.Id + ".drums.wav"), AudioBuffer.FromMono(drums, Rate));
        if (other != null) WavWriter.Write(Sub("stems", clip.Id + ".other.wav"), AudioBuffer.FromMono(other, Rate));
        WavWriter.Write(Sub("audio", clip.Id + ".wav"), AudioBuffer.FromMono(mix, Rate));
        AtomicFile.WriteAllText(Sub("beats", clip.Id + ".beats"), BeatAnnotations.Format(beats, 4, alwaysWritePositions: true));
        AtomicFile.WriteAllText(Sub("tempo", clip.Id + ".bpm"), bpm.ToString("F2", CultureInfo.InvariantCulture) + "\n");
        if (key != null) AtomicFile.WriteAllText(Sub("key", clip.Id + ".key"), key + "\n");
        string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
        var row = string.Join('\t', clip.Id, clip.Split, clip.Source.ToString(), clip.SourceFile, F(Math.Round(seconds, 3)), F(Math.Round(bpm, 2)),
            beatsPerBar.ToString(CultureInfo.InvariantCulture), beats.Count.ToString(CultureInfo.InvariantCulture), key ?? "", Path.GetFileName(clip.SoundFont),
            F(clip.Gain), clip.Reverb ? "1" : "0", F(clip.TempoFactor), clip.Transpose.ToString(CultureInfo.InvariantCulture), F(clip.DrumGain),
            F(clip.OtherGain), clip.Eq, double.IsFinite(clip.NoiseSnrDb) ? F(clip.NoiseSnrDb) : "none", clip.Codec, F(clip.PeakDb), clip.Mma?.Groove ?? "");
        AtomicFile.WriteAllText(Sub("info", clip.Id + ".tsv"), row + "\n");
    }

    /// <summary>One stem: the channels kept, rendered, cut to the clip's window and stretched; mono.</summary>
    private float[] Stem(MidiFile midi, RenderClip clip, string tmp, string name, Func<int, bool> keep, double start, double window,
        CancellationToken ct)
    {
        var mid = Path.Combine(tmp, name + ".mid");
        // Only the window is synthesised (plus 2 s of release): the file is ended there.
        long endTick = (long)Math.Ceiling(midi.TempoMap.Tick(start + window + 2));
        File.WriteAllBytes(mid, MidiRewriter.Truncate(midi, MidiRewriter.Rewrite(midi, transpose: clip.Transpose, keep: keep), endTick));
        var wav = Path.Combine(tmp, name + ".wav");
        RenderTools.Run("fluidsynth", ["-ni", "-q", "-o", "synth.dynamic-sample-loading=1", "-g", clip.Gain.ToString("F3", CultureInfo.InvariantCulture), "-r", "22050",
            "-R", clip.Reverb ? "1" : "0", "-C", "0", "-F", wav, clip.SoundFont, mid], ct);
        var cut = Path.Combine(tmp, name + ".cut.wav");
        var args = new List<string> { "-R", "-q", wav, "-c", "1", cut, "trim", F(start), F(window) };
        if (clip.TempoFactor != 1) args.AddRange(["tempo", "-m", F(clip.TempoFactor)]);
        RenderTools.Run("sox", args, ct);
        var audio = AudioFile.Load(cut, new AudioLoadOptions { Mono = true, SampleRate = Rate });
        var x = audio.Channels[0];
        int max = (int)(settings.ClipSeconds * Rate);
        return x.Length > max ? x[..max] : x;
    }

    private static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    private static float[] Reencode(float[] mix, string codec, string tmp, CancellationToken ct)
    {
        var clean = Path.Combine(tmp, "mix.wav");
        WavWriter.Write(clean, AudioBuffer.FromMono(mix, Rate));
        var parts = codec.Split(':');
        string ext = parts[0], encoded = Path.Combine(tmp, "mix." + ext);
        var args = new List<string> { "-y", "-v", "error", "-i", clean };
        if (ext == "mp3") args.AddRange(["-c:a", "libmp3lame", "-b:a", parts[1] + "k"]);
        else args.AddRange(["-c:a", "libvorbis", "-q:a", parts[1]]);
        args.Add(encoded);
        RenderTools.Run("ffmpeg", args, ct);
        var back = AudioFile.Load(encoded, new AudioLoadOptions { Mono = true, SampleRate = Rate }).Channels[0];
        var y = new float[mix.Length];
        Array.Copy(back, y, Math.Min(back.Length, y.Length));
        return y;
    }

    /// <summary>One-pole low- or high-pass filter ("lowpass:HZ", "highpass:HZ"; "none" leaves the signal).</summary>
    private static void ApplyEq(float[] x, string eq)
    {
        if (eq == "none") return;
        var parts = eq.Split(':');
        double fc = double.Parse(parts[1], CultureInfo.InvariantCulture);
        float a = (float)Math.Exp(-2 * Math.PI * fc / Rate);
        float state = 0;
        bool high = parts[0] == "highpass";
        for (int i = 0; i < x.Length; i++)
        {
            state = (1 - a) * x[i] + a * state;
            x[i] = high ? x[i] - state : state;
        }
    }

    /// <summary>The key of a Nottingham tune from its MIDI key signature, transposed.</summary>
    private static string? NottinghamKey(MidiFile midi, int transpose)
    {
        var sigs = midi.Events.Where(e => e.Kind == MidiEventKind.KeySignature).Select(e => (e.A, e.B)).Distinct().ToList();
        if (sigs.Count != 1) return null;
        var (sharps, minor) = sigs[0];
        int major = ((7 * sharps) % 12 + 12) % 12;
        int tonic = ((minor == 1 ? major + 9 : major) + transpose + 120) % 12;
        string[] names = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"];
        return $"{names[tonic]} {(minor == 1 ? "minor" : "major")}";
    }

    private static double Db(double db) => Math.Pow(10, db / 20);

    private static void Scale(float[]? x, double g)
    {
        if (x == null) return;
        for (int i = 0; i < x.Length; i++) x[i] = (float)(x[i] * g);
    }
}
