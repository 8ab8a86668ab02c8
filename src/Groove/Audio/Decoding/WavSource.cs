namespace Groove.Audio.Decoding;

/// <summary>A WAV file decoded in C# by <see cref="WavStream"/>.</summary>
internal sealed class WavSource(WavStream wav, string decoder = "groove") : IAudioSource
{
    public AudioFileInfo Info { get; } = new(
        "WAV", wav.Format.Describe(), wav.Format.SampleRate, wav.Format.Channels,
        wav.DeclaredFrames is { } f ? (double)f / wav.Format.SampleRate : null, decoder);

    public int Read(Span<float> destination) => wav.Read(destination);

    public void Dispose() => wav.Dispose();
}
