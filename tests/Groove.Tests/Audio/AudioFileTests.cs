using System.Diagnostics;
using Groove.Audio;
using Groove.Audio.Decoding;
using Groove.Tests.Support;

namespace Groove.Tests.Audio;

/// <summary>Compressed files made once for the whole class.</summary>
public sealed class EncodedFiles : IDisposable
{
    private readonly TempDir _dir = new();
    public string Wav => _dir.File("source.wav");
    public string Mp3 => _dir.File("clip.mp3");
    public string Flac => _dir.File("clip.flac");
    public string Ogg => _dir.File("clip.ogg");
    public string Opus => _dir.File("clip.opus");
    public string M4a => _dir.File("clip.m4a");

    public EncodedFiles()
    {
        AudioTestFiles.Encode(Wav, 3, 44100, "-c:a", "pcm_s16le");
        AudioTestFiles.Ffmpeg("-i", Wav, "-c:a", "flac", Flac);
        AudioTestFiles.Ffmpeg("-i", Wav, "-c:a", "libmp3lame", "-b:a", "128k", Mp3);
        AudioTestFiles.Ffmpeg("-i", Wav, "-c:a", "libvorbis", Ogg);
        AudioTestFiles.Ffmpeg("-i", Wav, "-ar", "48000", "-c:a", "libopus", Opus);
        AudioTestFiles.Ffmpeg("-i", Wav, "-c:a", "aac", M4a);
    }

    public void Dispose() => _dir.Dispose();
}

public class AudioFileTests(EncodedFiles files) : IClassFixture<EncodedFiles>
{
    private static void OneLine(GrooveException e, string path)
    {
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith(path + ":", e.Message);
    }

    [Fact]
    public void FlacDecodesSampleExactlyLikeTheWavItCameFrom()
    {
        var wav = AudioFile.Load(files.Wav);
        var flac = AudioFile.Load(files.Flac);
        Assert.Equal(44100, flac.SampleRate);
        Assert.Equal(2, flac.ChannelCount);
        Assert.Equal(wav.Length, flac.Length);
        Assert.Equal(wav.Channels[0], flac.Channels[0]);
        Assert.Equal(wav.Channels[1], flac.Channels[1]);
        var info = AudioFile.Probe(files.Flac);
        Assert.Equal("flac", info.Format);
        Assert.Equal("ffmpeg", info.Decoder);
    }

    [Theory]
    [InlineData("mp3", 44100)]
    [InlineData("ogg", 44100)]
    [InlineData("opus", 48000)]
    [InlineData("m4a", 44100)]
    public void LossyFormatsDecodeWithTheirOwnRateAndChannels(string ext, int rate)
    {
        string path = ext switch { "mp3" => files.Mp3, "ogg" => files.Ogg, "opus" => files.Opus, _ => files.M4a };
        var a = AudioFile.Load(path);
        Assert.Equal(rate, a.SampleRate);
        Assert.Equal(2, a.ChannelCount);
        Assert.InRange(a.Duration, 2.95, 3.1);
        // The channels keep their tones: left 440 Hz, right 660 Hz, each at ffmpeg's sine level (1/8).
        Assert.InRange(ToneAmplitude(a.Channels[0], 440, rate), 0.11, 0.14);
        Assert.InRange(ToneAmplitude(a.Channels[1], 660, rate), 0.11, 0.14);
        Assert.InRange(ToneAmplitude(a.Channels[0], 660, rate), 0, 0.01);
    }

    private static double ToneAmplitude(float[] x, double freq, int rate)
    {
        double s = 0, c = 0;
        int from = rate / 2, to = x.Length - rate / 2;
        for (int i = from; i < to; i++)
        {
            s += x[i] * Math.Sin(2 * Math.PI * freq * i / rate);
            c += x[i] * Math.Cos(2 * Math.PI * freq * i / rate);
        }
        return 2 * Math.Sqrt(s * s + c * c) / (to - from);
    }

    [Fact]
    public void DetectsFormatByContentNotExtension()
    {
        using var dir = new TempDir();
        var wavNamedMp3 = dir.File("really-a-wav.mp3");
        File.Copy(files.Wav, wavNamedMp3);
        Assert.Equal("groove", AudioFile.Probe(wavNamedMp3).Decoder);
        var flacNamedWav = dir.File("really-a-flac.wav");
        File.Copy(files.Flac, flacNamedWav);
        Assert.Equal(AudioFile.Load(files.Wav).Channels[1], AudioFile.Load(flacNamedWav).Channels[1]);
    }

    [Fact]
    public void WavEncodingsWeDoNotDecodeGoToFfmpeg()
    {
        using var dir = new TempDir();
        var alaw = dir.File("alaw.wav");
        AudioTestFiles.Ffmpeg("-i", files.Wav, "-c:a", "pcm_alaw", "-ar", "8000", alaw);
        var a = AudioFile.Load(alaw);
        Assert.Equal(8000, a.SampleRate);
        Assert.Equal("ffmpeg", AudioFile.Probe(alaw).Decoder);
        Assert.InRange(ToneAmplitude(a.Channels[0], 440, 8000), 0.11, 0.14);
    }

    [Fact]
    public void OggFallsBackToOggdecWhenFfmpegRefusesIt()
    {
        // ffprobe replaced by a program that always fails: ffmpeg "refuses" the file.
        var refusing = new DecoderTools(Ffprobe: "/bin/false");
        var viaOggdec = AudioFile.LoadWith(files.Ogg, null, null, refusing);
        Assert.Equal("oggdec", AudioFile.ProbeWith(files.Ogg, refusing).Decoder);
        var viaFfmpeg = AudioFile.Load(files.Ogg);
        Assert.Equal(viaFfmpeg.SampleRate, viaOggdec.SampleRate);
        Assert.Equal(2, viaOggdec.ChannelCount);
        Assert.InRange(Math.Abs(viaOggdec.Length - viaFfmpeg.Length), 0, 2048);
        Assert.InRange(ToneAmplitude(viaOggdec.Channels[1], 660, 44100), 0.11, 0.14);

        // And when ffmpeg is not installed at all.
        var missing = new DecoderTools(Ffmpeg: "groove-test-no-such-ffmpeg", Ffprobe: "groove-test-no-such-ffprobe");
        Assert.Equal("oggdec", AudioFile.ProbeWith(files.Ogg, missing).Decoder);
    }

    [Fact]
    public void MissingToolsNameThePackageToInstall()
    {
        var missing = new DecoderTools("groove-test-no-ffmpeg", "groove-test-no-ffprobe", "groove-test-no-oggdec");
        var e = Assert.Throws<GrooveException>(() => AudioFile.LoadWith(files.Mp3, null, null, missing));
        OneLine(e, files.Mp3);
        Assert.Contains("apt-get install ffmpeg", e.Message);
        var o = Assert.Throws<GrooveException>(() => AudioFile.LoadWith(files.Ogg, null, null, missing));
        Assert.Contains("apt-get install ffmpeg vorbis-tools", o.Message);
        // WAV needs no tool at all.
        Assert.Equal(2, AudioFile.LoadWith(files.Wav, null, null, missing).ChannelCount);
    }

    [Fact]
    public void OggdecAndFfmpegBothRefusingIsOneLine()
    {
        using var dir = new TempDir();
        var fake = dir.File("fake.ogg");
        File.WriteAllBytes(fake, [.. "OggS"u8, .. new byte[200]]);
        var e = Assert.Throws<GrooveException>(() => AudioFile.Load(fake));
        OneLine(e, fake);
        Assert.Contains("ffmpeg:", e.Message);
        Assert.Contains("oggdec:", e.Message);
    }

    [Fact]
    public void MonoMixdownChannelSelectionAndResampling()
    {
        var full = AudioFile.Load(files.Wav);
        var mono = AudioFile.Load(files.Wav, new AudioLoadOptions { Mono = true });
        Assert.Equal(1, mono.ChannelCount);
        for (int i = 0; i < full.Length; i += 997)
            Assert.Equal((full.Channels[0][i] + full.Channels[1][i]) / 2, mono.Channels[0][i], 6);

        var right = AudioFile.Load(files.Wav, new AudioLoadOptions { Channels = [1] });
        Assert.Equal(full.Channels[1], right.Channels[0]);
        var swapped = AudioFile.Load(files.Flac, new AudioLoadOptions { Channels = [1, 0] });
        Assert.Equal(full.Channels[0], swapped.Channels[1]);

        var resampled = AudioFile.Load(files.Mp3, new AudioLoadOptions { Mono = true, SampleRate = 22050 });
        Assert.Equal(22050, resampled.SampleRate);
        Assert.Equal(1, resampled.ChannelCount);
        Assert.InRange(resampled.Duration, 2.95, 3.1);
        Assert.InRange(ToneAmplitude(resampled.Channels[0], 440, 22050), 0.055, 0.07);   // half of each tone
        // Streaming the resampler block by block gives what resampling the whole mixdown gives.
        var mp3Mono = AudioFile.Load(files.Mp3, new AudioLoadOptions { Mono = true });
        Assert.Equal(Resampler.Resample(mp3Mono.Channels[0], 44100, 22050), resampled.Channels[0]);

        var e = Assert.Throws<GrooveException>(() => AudioFile.Load(files.Wav, new AudioLoadOptions { Channels = [2] }));
        Assert.Contains("no channel 2", e.Message);
    }

    [Fact]
    public void MaxDurationIsEnforcedFromTheHeaderAndWhileStreaming()
    {
        var limit = new AudioLoadOptions { MaxDuration = TimeSpan.FromSeconds(1) };
        var wav = Assert.Throws<AudioTooLongException>(() => AudioFile.Load(files.Wav, limit));
        Assert.Contains("limit", wav.Message);
        OneLine(wav, files.Wav);
        var mp3 = Assert.Throws<AudioTooLongException>(() => AudioFile.Load(files.Mp3, limit));
        Assert.Contains("limit", mp3.Message);
        // A WAV header's length is exact: refused at once. A compressed file's may be an estimate: within 2% + 1 s
        // of the limit, decoding goes ahead and the exact count decides.
        var tight = new AudioLoadOptions { MaxDuration = TimeSpan.FromSeconds(2.5) };
        Assert.Contains("is 0:03 long", Assert.Throws<AudioTooLongException>(() => AudioFile.Load(files.Wav, tight)).Message);
        Assert.Contains("is longer than", Assert.Throws<AudioTooLongException>(() => AudioFile.Load(files.Flac, tight)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => AudioFile.Load(files.Wav, new AudioLoadOptions { MaxDuration = TimeSpan.Zero }));
        Assert.Equal(3 * 44100, AudioFile.Load(files.Wav, new AudioLoadOptions { MaxDuration = TimeSpan.FromSeconds(3) }).Length);
    }

    [Fact]
    public void ThreeHourFileIsRefusedByLoadAtOnceAndScannedInConstantMemory()
    {
        // 3 hours of 8 kHz 16-bit mono digital silence: a 173 MB sparse file (zero bytes cost no disk).
        using var dir = new TempDir();
        var path = dir.File("three-hours.wav");
        const int rate = 8000;
        long frames = 3L * 3600 * rate;
        var header = new WavBytes { SampleRate = rate, DataSizeField = (uint)(frames * 2) }.Build([]);
        using (var fs = File.Create(path))
        {
            fs.Write(header);
            fs.SetLength(header.Length + frames * 2);
        }
        // Allocations are counted on this thread only: other tests run in parallel.
        var sw = Stopwatch.StartNew();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<AudioTooLongException>(() => AudioFile.Load(path));
        long refusing = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"refusing took {sw.Elapsed}");
        Assert.True(refusing < 1 << 20, $"refusing allocated {refusing} bytes");
        Assert.Contains("3:00:00", e.Message);
        Assert.Contains("limit", e.Message);

        before = GC.GetAllocatedBytesForCurrentThread();
        var warnings = new List<string>();
        var scan = AudioFile.Scan(path, warnings.Add);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(frames, scan.Frames);
        Assert.Equal(3 * 3600.0, scan.Duration);
        Assert.True(allocated < 16 << 20, $"scanning allocated {allocated >> 20} MB");
        Assert.Contains(warnings, w => w.Contains("silent"));
    }

    [Fact]
    public void BadInputsGiveOneLineErrors()
    {
        using var dir = new TempDir();
        var text = dir.File("notes.mp3");
        File.WriteAllText(text, "this is a shopping list, not a song\nmilk\neggs\n");
        var empty = dir.File("empty.flac");
        File.WriteAllBytes(empty, []);
        var truncated = dir.File("truncated.wav");
        File.WriteAllBytes(truncated, File.ReadAllBytes(files.Wav)[..30]);
        var cases = new (string Path, string Expected)[]
        {
            (dir.File("missing.wav"), "no such file"),
            (dir.Path, "is a directory"),
            (text, "not a readable audio file"),
            (empty, "empty file"),
            (truncated, "truncated WAV header"),
        };
        foreach (var (path, expected) in cases)
        {
            var e = Assert.Throws<GrooveException>(() => AudioFile.Load(path));
            OneLine(e, path);
            Assert.Contains(expected, e.Message);
        }
    }

    [Fact]
    public void NanOrInfinityInAFloatWavIsAnError()
    {
        using var dir = new TempDir();
        var path = dir.File("nan.wav");
        var x = Signals.Sine(440, 8000, 8000);
        x[4000] = float.NaN;
        File.WriteAllBytes(path, new WavBytes { FormatTag = 3, BitsPerSample = 32 }.Build(WavBytes.Float32(x)));
        var e = Assert.Throws<GrooveException>(() => AudioFile.Load(path));
        OneLine(e, path);
        Assert.Contains("NaN", e.Message);
        Assert.Contains("0.500 s", e.Message);
        x[4000] = float.PositiveInfinity;
        File.WriteAllBytes(path, new WavBytes { FormatTag = 3, BitsPerSample = 32 }.Build(WavBytes.Float32(x)));
        Assert.Throws<GrooveException>(() => AudioFile.Scan(path));
    }

    [Fact]
    public void SilenceIsAWarningAndZeroSamplesAnError()
    {
        using var dir = new TempDir();
        var silent = dir.File("silent.wav");
        AudioTestFiles.Wav(silent, 8000, new float[8000]);
        var warnings = new List<string>();
        var a = AudioFile.Load(silent, onWarning: warnings.Add);
        Assert.Equal(8000, a.Length);
        var w = Assert.Single(warnings);
        Assert.Contains("silent", w);

        var quiet = dir.File("quiet.wav");
        AudioTestFiles.Wav(quiet, 8000, Signals.Sine(100, 8000, 8000, amp: 1e-5));
        warnings.Clear();
        AudioFile.Load(quiet, onWarning: warnings.Add);
        Assert.Contains("-100.0 dBFS", Assert.Single(warnings));

        var loud = dir.File("loud.wav");
        AudioTestFiles.Wav(loud, 8000, Signals.Sine(100, 8000, 8000, amp: 1e-3));
        warnings.Clear();
        AudioFile.Load(loud, onWarning: warnings.Add);
        Assert.Empty(warnings);

        var none = dir.File("none.wav");
        AudioTestFiles.Wav(none, 8000, new float[0]);
        Assert.Contains("no audio", Assert.Throws<GrooveException>(() => AudioFile.Load(none)).Message);
    }

    [Fact]
    public void TruncatedMp3KeepsWhatDecodes()
    {
        using var dir = new TempDir();
        var cut = dir.File("cut.mp3");
        var bytes = File.ReadAllBytes(files.Mp3);
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);
        var a = AudioFile.Load(cut, onWarning: _ => { });
        Assert.InRange(a.Duration, 1.0, 2.0);
    }

    [Fact]
    public void CancellationKillsTheDecoder()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => AudioFile.Load(files.Mp3, new AudioLoadOptions { CancellationToken = cts.Token }));

        // A process that would run for a minute ends as soon as the token is cancelled.
        using var cts2 = new CancellationTokenSource();
        var sw = Stopwatch.StartNew();
        using (var p = ExternalProcess.Start("sleep", ["60"], cts2.Token))
        {
            cts2.CancelAfter(200);
            Assert.Equal(0, p.Stdout.Read(new byte[16]));
        }
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), $"took {sw.Elapsed}");
    }

    [Fact]
    public void AChattyStderrCannotDeadlockTheReader()
    {
        // 2 MB on stderr before anything on stdout: without draining stderr the child would block forever.
        using var p = ExternalProcess.Start("sh", ["-c", "head -c 2000000 /dev/zero | tr '\\0' 'x' | fold -w 100 >&2; echo done"], CancellationToken.None);
        var output = new StreamReader(p.Stdout).ReadToEnd();
        Assert.Equal("done\n", output);
        Assert.Equal(0, p.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.StartsWith("xxxx", p.FirstErrorLine("nothing", "none"));
    }

    [Fact]
    public void ErrorLineDropsFfmpegContextAndFileName()
    {
        using var p = ExternalProcess.Start("sh", ["-c", "echo '' >&2; echo '[mp3 @ 0x55ef68b7fd40] Failed to read frame size' >&2; echo 'file:/x/y.mp3: Invalid argument' >&2"], CancellationToken.None);
        p.WaitForExit(TimeSpan.FromSeconds(30));
        Assert.Equal("Failed to read frame size", p.FirstErrorLine("/x/y.mp3", "none"));
    }

    [Theory]
    [InlineData("hains", 56.5)]
    [InlineData("simac", 20.0)]
    public void SharedFlacClipsDecode(string prefix, double seconds)
    {
        var folder = SharedData.Path("data", "dev", "more3", "audio");
        var path = Directory.GetFiles(folder).Single(f => Path.GetFileName(f).StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && f.EndsWith(".flac"));
        var a = AudioFile.Load(path, new AudioLoadOptions { Mono = true, SampleRate = 22050 });
        Assert.Equal(22050, a.SampleRate);
        Assert.InRange(a.Duration, seconds - 0.6, seconds + 0.6);
        var scan = AudioFile.Scan(path);
        Assert.InRange(scan.PeakDbfs, -20, 0.01);
        Assert.Equal("flac", scan.Info.Format);
    }
}
