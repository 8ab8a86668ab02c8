namespace Groove.Audio.Decoding;

/// <summary>A decoder that hands out interleaved float frames block by block.</summary>
internal interface IAudioSource : IDisposable
{
    /// <summary>Format, rate and channels (fixed for the whole stream).</summary>
    AudioFileInfo Info { get; }

    /// <summary>
    /// Reads up to <c>destination.Length / Info.Channels</c> interleaved frames; returns how many (0 at the end).
    /// </summary>
    /// <exception cref="DecoderRefusedException">The decoder failed before producing any audio.</exception>
    int Read(Span<float> destination);
}
