namespace Groove.Audio.Decoding;

/// <summary>The external programs used for formats other than WAV (replaceable by tests to force a fallback).</summary>
internal sealed record DecoderTools(string Ffmpeg = "ffmpeg", string Ffprobe = "ffprobe", string Oggdec = "oggdec")
{
    public static DecoderTools Default { get; } = new();

    /// <summary>How long probing a file may take before we give up on it.</summary>
    public static TimeSpan ProbeTimeout { get; } = TimeSpan.FromSeconds(60);
}
