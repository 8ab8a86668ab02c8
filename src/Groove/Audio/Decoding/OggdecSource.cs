namespace Groove.Audio.Decoding;

/// <summary>
/// Ogg Vorbis decoded by <c>oggdec</c> (vorbis-tools) writing WAV to its stdout, read by <see cref="WavStream"/>:
/// the fallback for Vorbis files that ffmpeg refuses (Debian's ffmpeg 5.1 rejects some with "Header processing failed").
/// </summary>
internal sealed class OggdecSource : IAudioSource
{
    private readonly ExternalProcess _process;
    private readonly WavStream _wav;
    private readonly string _path;
    private readonly Action<string>? _onWarning;
    private long _frames;
    private bool _ended;

    public AudioFileInfo Info { get; }

    private OggdecSource(ExternalProcess process, WavStream wav, string path, Action<string>? onWarning)
    {
        _process = process;
        _wav = wav;
        _path = path;
        _onWarning = onWarning;
        Info = new AudioFileInfo("ogg", "Vorbis", wav.Format.SampleRate, wav.Format.Channels,
            wav.DeclaredFrames is { } f ? (double)f / wav.Format.SampleRate : null, "oggdec");
    }

    /// <exception cref="ToolMissingException">oggdec is not installed.</exception>
    /// <exception cref="DecoderRefusedException">oggdec cannot decode the file.</exception>
    public static OggdecSource Open(string path, DecoderTools tools, Action<string>? onWarning, CancellationToken cancellation)
    {
        var process = ExternalProcess.Start(tools.Oggdec, ["-Q", "-o", "-", Path.GetFullPath(path)], cancellation);
        try
        {
            var wav = WavStream.Open(process.Stdout, path, onWarning, leaveOpen: true);
            if (!wav.Format.IsNativelyDecoded) throw new DecoderRefusedException("oggdec", "unexpected output format");
            return new OggdecSource(process, wav, path, onWarning);
        }
        catch (GrooveException)
        {
            // No WAV header came out: oggdec refused the file. Its stderr says why.
            int code = process.WaitForExit(TimeSpan.FromSeconds(30));
            string reason = Reason(process, path, code);
            process.Dispose();
            throw new DecoderRefusedException("oggdec", reason);
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    public int Read(Span<float> destination)
    {
        if (_ended) return 0;
        int got = _wav.Read(destination);
        _frames += got;
        if (got == 0)
        {
            _ended = true;
            int code = _process.WaitForExit(TimeSpan.FromSeconds(30));
            if (code != 0)
            {
                string reason = Reason(_process, _path, code);
                if (_frames == 0) throw new DecoderRefusedException("oggdec", reason);
                _onWarning?.Invoke($"{_path}: oggdec stopped after {(double)_frames / Info.SampleRate:F2} s ({reason}); kept what was decoded");
            }
        }
        return got;
    }

    private static string Reason(ExternalProcess p, string path, int code)
    {
        var line = p.FirstErrorLine(Path.GetFullPath(path), $"oggdec exited with code {code}");
        return line.StartsWith("ERROR: ", StringComparison.Ordinal) ? line[7..] : line;
    }

    public void Dispose()
    {
        _wav.Dispose();
        _process.Dispose();
    }
}
