using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Groove.Audio.Decoding;

/// <summary>
/// Any format ffmpeg reads (MP3, FLAC, Ogg Vorbis, Opus, M4A/AAC, WAV encodings we do not decode ourselves...),
/// decoded by an <c>ffmpeg</c> child process that streams raw 32-bit float samples to its stdout: no temporary files.
/// <c>ffprobe</c> first reads the rate and channel count, and ffmpeg is told to keep exactly that layout, so the
/// stream's shape is known before the first sample arrives.
/// </summary>
internal sealed class FfmpegSource : IAudioSource
{
    private readonly ExternalProcess _process;
    private readonly string _path;
    private readonly Action<string>? _onWarning;
    private long _frames;
    private bool _ended;

    public AudioFileInfo Info { get; }

    private FfmpegSource(ExternalProcess process, AudioFileInfo info, string path, Action<string>? onWarning)
    {
        _process = process;
        Info = info;
        _path = path;
        _onWarning = onWarning;
    }

    /// <exception cref="ToolMissingException">ffprobe or ffmpeg is not installed.</exception>
    /// <exception cref="DecoderRefusedException">ffprobe cannot read the file or finds no audio stream in it.</exception>
    public static FfmpegSource Open(string path, DecoderTools tools, Action<string>? onWarning, CancellationToken cancellation)
    {
        var info = Probe(path, tools, cancellation);
        var process = ExternalProcess.Start(tools.Ffmpeg,
        [
            "-nostdin", "-hide_banner", "-loglevel", "error",
            "-i", "file:" + Path.GetFullPath(path),
            "-map", "0:a:0",
            "-ac", info.Channels.ToString(CultureInfo.InvariantCulture),
            "-ar", info.SampleRate.ToString(CultureInfo.InvariantCulture),
            "-f", "f32le", "-acodec", "pcm_f32le", "pipe:1",
        ], cancellation);
        return new FfmpegSource(process, info, path, onWarning);
    }

    /// <summary>Asks ffprobe for the container, codec, rate, channels and duration of the first audio stream.</summary>
    public static AudioFileInfo Probe(string path, DecoderTools tools, CancellationToken cancellation)
    {
        using var p = ExternalProcess.Start(tools.Ffprobe,
        [
            "-v", "error", "-hide_banner", "-select_streams", "a:0",
            "-show_entries", "stream=codec_name,codec_long_name,sample_rate,channels,duration:format=format_name,duration",
            "-of", "json", "file:" + Path.GetFullPath(path),
        ], cancellation);
        var read = new StreamReader(p.Stdout).ReadToEndAsync(cancellation);
        if (!read.Wait(DecoderTools.ProbeTimeout, CancellationToken.None))
            throw new DecoderRefusedException("ffprobe", $"ffprobe did not finish within {DecoderTools.ProbeTimeout.TotalSeconds:F0} s");
        cancellation.ThrowIfCancellationRequested();
        int code = p.WaitForExit(DecoderTools.ProbeTimeout);
        if (code != 0) throw new DecoderRefusedException("ffprobe", p.FirstErrorLine(Path.GetFullPath(path), $"ffprobe exited with code {code}"));
        return ParseProbe(read.Result);
    }

    internal static AudioFileInfo ParseProbe(string json)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(json).RootElement;
        }
        catch (JsonException)
        {
            throw new DecoderRefusedException("ffprobe", "unreadable ffprobe output");
        }
        if (!root.TryGetProperty("streams", out var streams) || streams.GetArrayLength() == 0)
            throw new DecoderRefusedException("ffprobe", "no audio stream");
        var s = streams[0];
        int rate = int.TryParse(Str(s, "sample_rate"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) ? r : 0;
        int channels = s.TryGetProperty("channels", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 0;
        if (rate <= 0 || channels <= 0)
            throw new DecoderRefusedException("ffprobe", $"audio stream without a sample rate or channel count ({rate} Hz, {channels} channels)");
        string format = root.TryGetProperty("format", out var f) ? Str(f, "format_name") ?? "unknown" : "unknown";
        string codec = Str(s, "codec_long_name") ?? Str(s, "codec_name") ?? "unknown";
        double? duration = Seconds(Str(s, "duration")) ?? (root.TryGetProperty("format", out var f2) ? Seconds(Str(f2, "duration")) : null);
        return new AudioFileInfo(format, codec, rate, channels, duration, "ffmpeg");

        static string? Str(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.ToString() : null;
        static double? Seconds(string? s) =>
            double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d >= 0 && double.IsFinite(d) ? d : null;
    }

    public int Read(Span<float> destination)
    {
        if (_ended) return 0;
        int channels = Info.Channels;
        int frames = destination.Length / channels;
        if (frames == 0) return 0;
        var bytes = MemoryMarshal.AsBytes(destination[..(frames * channels)]);
        int total = 0;
        while (total < bytes.Length)
        {
            int r = _process.Stdout.Read(bytes[total..]);
            if (r == 0) break;
            total += r;
        }
        int got = total / (4 * channels);
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("ffmpeg decoding assumes a little-endian machine");
        _frames += got;
        if (total < bytes.Length) Finish();
        return got;
    }

    private void Finish()
    {
        _ended = true;
        int code = _process.WaitForExit(TimeSpan.FromSeconds(30));
        if (code == 0) return;
        string reason = _process.FirstErrorLine(Path.GetFullPath(_path), $"ffmpeg exited with code {code}");
        if (_frames == 0) throw new DecoderRefusedException("ffmpeg", reason);
        _onWarning?.Invoke($"{_path}: ffmpeg stopped after {(double)_frames / Info.SampleRate:F2} s ({reason}); kept what was decoded");
    }

    public void Dispose() => _process.Dispose();
}
