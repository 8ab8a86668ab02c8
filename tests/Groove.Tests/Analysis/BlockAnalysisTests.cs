using Groove.Analysis;
using Groove.Tonality;
using Groove.Audio;
using Groove.Tests.Cli;
using System.Buffers.Binary;
using System.Text.Json;
using Groove.Tests.Dsp;
using Groove.Tests.Support;

namespace Groove.Tests.Analysis;

/// <summary>
/// Long files are analysed in blocks (decoded twice, never held whole): the results equal the whole-file analysis, and
/// memory does not grow with the length.
/// </summary>
public class BlockAnalysisTests
{
    /// <summary>A click track at <paramref name="bpm"/> over a repeated I–IV–V–I cadence in G major (2 s chords), with a
    /// small DC offset (so the offset removal is exercised too).</summary>
    internal static float[] Music(double seconds, int sr, double bpm = 117)
    {
        var x = Signals.ClickTrack(bpm, seconds, sr);
        int[][] chords = [[67, 71, 74, 55], [72, 76, 79, 60], [74, 78, 81, 62], [67, 71, 74, 55]];
        var cadence = chords.SelectMany(c => ChromagramTests.Chord(c.Select(n => (double)n).ToArray(), 2.0, sr)).ToArray();
        for (int i = 0; i < x.Length; i++) x[i] = 0.6f * x[i] + 0.3f * cadence[i % cadence.Length] + 0.002f;
        return x;
    }

    [Fact]
    public void Blocks_give_the_whole_file_results()
    {
        // 150 s of stereo at 44.1 kHz: five 30-s onset blocks and three 60-s chroma blocks, each with its margins, so
        // every kind of segment edge occurs; a rate other than 22050 Hz puts the streamed resampler in the path.
        const int sr = 44100;
        var left = Music(150, sr);
        var right = left.Select((v, i) => 0.8f * v + 0.05f * MathF.Sin(i * 0.01f)).ToArray();
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "long.wav");
        WavWriter.Write(path, new AudioBuffer([left, right], sr), WavSampleFormat.Float32);

        // The classical key method (cqt) streams; the default (stone) needs the whole file: checked at the end.
        var whole = new Analyzer(new AnalysisOptions { BlocksAbove = null, KeyMethod = KeyMethods.ClassicalName }).Analyze(path);
        var blocks = new Analyzer(new AnalysisOptions { BlocksAbove = TimeSpan.Zero, KeyMethod = KeyMethods.ClassicalName }).Analyze(path);
        Assert.False(whole.InBlocks);
        Assert.True(blocks.InBlocks);
        Assert.Equal(whole.Duration, blocks.Duration, 9);
        Assert.Equal((whole.SampleRate, whole.ChannelCount), (blocks.SampleRate, blocks.ChannelCount));

        // Every frame of a segment is computed from the same samples as in the whole signal (the margins cover every
        // window and filter), so the onset envelope agrees to float rounding: the FFT and the filterbank sums run over
        // buffers at other offsets, and TensorPrimitives' summation order can depend on alignment. 1e-4 relative to the
        // envelope's peak is far above that rounding (~1e-6) and far below any change that moves a beat.
        var (a, b) = (whole.Beats!, blocks.Beats!);
        Assert.Equal(a.Activation.Length, b.Activation.Length);
        float peak = a.Activation.Max();
        for (int i = 0; i < a.Activation.Length; i++) Assert.True(Math.Abs(a.Activation[i] - b.Activation[i]) <= 1e-4f * peak, $"activation frame {i}");
        Assert.Equal(a.Beats.Count, b.Beats.Count);
        for (int i = 0; i < a.Beats.Count; i++)
        {
            Assert.Equal(a.Beats[i].Time, b.Beats[i].Time, 9);      // frame times: equal frames give equal times
            Assert.Equal(a.Beats[i].BeatInBar, b.Beats[i].BeatInBar);
        }
        Assert.Equal(a.Tempo, b.Tempo, 9);
        Assert.Equal(whole.Tempo, blocks.Tempo);

        // The key: same tuning (the streamed median is exact to 1/128 of the magnitude, see TuningEstimator.Streaming;
        // here it decides nothing), same key, and the confidence and the local keys from chroma equal to rounding.
        var (ka, kb) = (whole.Key!, blocks.Key!);
        Assert.Equal(ka.TuningSemitones, kb.TuningSemitones, 9);
        Assert.Equal(ka.Global.Key, kb.Global.Key);
        Assert.Equal(ka.Global.Confidence, kb.Global.Confidence, 4);
        Assert.Equal(ka.Local.Count, kb.Local.Count);
        for (int i = 0; i < ka.Local.Count; i++)
        {
            Assert.Equal(ka.Local[i].Key, kb.Local[i].Key);
            Assert.Equal(ka.Local[i].Start, kb.Local[i].Start, 9);
            Assert.Equal(ka.Local[i].Confidence, kb.Local[i].Confidence, 3);
        }

        // The default method in blocks: the same beats and the classical key, and a warning that says so.
        var warnings = new List<string>();
        var byDefault = new Analyzer(new AnalysisOptions { BlocksAbove = TimeSpan.Zero }).Analyze(path, onWarning: warnings.Add);
        Assert.True(byDefault.InBlocks);
        Assert.Equal(kb.Global.Key, byDefault.Key!.Global.Key);
        Assert.Equal(kb.Global.Confidence, byDefault.Key.Global.Confidence, 4);
        Assert.Equal(b.Beats.Count, byDefault.Beats!.Beats.Count);
        Assert.Contains(warnings, w => w.StartsWith($"key by {KeyMethods.ClassicalName}, not {KeyMethods.DefaultName}:", StringComparison.Ordinal));
    }

    [Fact]
    public void Silence_and_fragments_get_the_same_answers_in_blocks()
    {
        using var dir = new TempDir();
        foreach (var (name, samples) in new[] { ("silence", new float[2 * 22050]), ("fragment", Signals.Sine(440, 22050, 2205)) })
        {
            var path = Path.Combine(dir.Path, name + ".wav");
            WavWriter.Write(path, AudioBuffer.FromMono(samples, 22050));
            var w1 = new List<string>();
            var w2 = new List<string>();
            var whole = new Analyzer(new AnalysisOptions { BlocksAbove = null }).Analyze(path, onWarning: w1.Add);
            var blocks = new Analyzer(new AnalysisOptions { BlocksAbove = TimeSpan.Zero }).Analyze(path, onWarning: w2.Add);
            Assert.True(blocks.InBlocks);
            Assert.Empty(blocks.Beats!.Beats);
            Assert.Equal(whole.Key!.Global.NoKeyReason, blocks.Key!.Global.NoKeyReason);
            Assert.NotNull(blocks.Key.Global.NoKeyReason);
            Assert.Equal(0, blocks.Key.Global.Confidence);
            Assert.Equal(w1.Order(), w2.Order());   // the whole-file path finds the key on another thread: any order
        }
    }

    /// <summary>Writes <paramref name="minutes"/> of <see cref="Music"/> (mono, 22050 Hz, 16 bit) chunk by chunk, so the
    /// test itself never holds the whole signal.</summary>
    private static void WriteLongWav(string path, int minutes)
    {
        const int sr = 22050;
        var chunk = Music(16, sr, bpm: 120);          // 16 s: two cadences and exactly 32 beats at 120 BPM, so the
        long samples = (long)minutes * 60 * sr;       // repeated chunks join seamlessly (one tempo, one key)
        using var f = File.Create(path);
        Span<byte> h = stackalloc byte[44];
        "RIFF"u8.CopyTo(h); BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)(36 + 2 * samples));
        "WAVEfmt "u8.CopyTo(h[8..]); BinaryPrimitives.WriteUInt32LittleEndian(h[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(h[20..], 1); BinaryPrimitives.WriteUInt16LittleEndian(h[22..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(h[24..], sr); BinaryPrimitives.WriteUInt32LittleEndian(h[28..], 2 * sr);
        BinaryPrimitives.WriteUInt16LittleEndian(h[32..], 2); BinaryPrimitives.WriteUInt16LittleEndian(h[34..], 16);
        "data"u8.CopyTo(h[36..]); BinaryPrimitives.WriteUInt32LittleEndian(h[40..], (uint)(2 * samples));
        f.Write(h);
        var pcm = new byte[2 * chunk.Length];
        for (int i = 0; i < chunk.Length; i++)
            BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(2 * i), (short)Math.Clamp(MathF.Round(chunk[i] * 32767), -32768, 32767));
        for (long written = 0; written < samples; written += chunk.Length)
            f.Write(pcm, 0, (int)(2 * Math.Min(chunk.Length, samples - written)));
    }

    [Fact]
    public void A_15_minute_file_is_analysed_within_a_heap_that_the_whole_file_path_overflows()
    {
        // The child runs under a hard GC heap limit of 128 MB. The whole-file path needs far more than that for 15 min
        // of mono 22050 Hz audio: the decoded samples (79 MB as floats), the tracker's DC-free copy (79 MB) and the
        // STFT magnitudes (90k frames × 513 bins × 4 B = 185 MB). The block path keeps per frame only the envelope,
        // its sub-bands, the chroma and the beat decoder's back-pointers (about 200 B per 10 ms: 18 MB at 15 min), plus
        // one segment's buffers (a few tens of MB whatever the length).
        using var dir = new TempDir();
        var path = dir.File("long.wav");
        WriteLongWav(path, 15);
        var limit = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x8000000" };   // 128 MiB

        var r = CliProcess.RunWithEnvironment(limit, "analyze", "--json", "--max-duration", "30m", path);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        var root = json.RootElement;
        Assert.Equal(900, root.GetProperty("duration").GetDouble(), 3);
        Assert.InRange(root.GetProperty("tempo").GetDouble(), 119, 121);
        Assert.InRange(root.GetProperty("beats").GetArrayLength(), 1760, 1801);   // 120 BPM × 15 min = 1800
        Assert.NotEqual("no key", root.GetProperty("key").GetString());

        // The same file, held whole (--plot draws the waveform, so it turns blocks off), does not fit that heap.
        var whole = CliProcess.RunWithEnvironment(limit, "beats", "--max-duration", "30m", "--plot", dir.File("p.svg"), path);
        Assert.NotEqual(0, whole.ExitCode);
        Assert.Contains("out of memory", whole.Stderr);
    }
}
