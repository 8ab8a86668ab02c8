namespace Groove.Audio;

/// <summary>Receives one block of a file read by <see cref="AudioFile.ReadBlocks"/>; the spans are valid only during
/// the call.</summary>
/// <param name="mono">The block mixed down to mono (the channels' mean).</param>
/// <param name="interleaved">The block as decoded, channels interleaved.</param>
/// <param name="info">The file's format, rate and channel count.</param>
public delegate void AudioBlockHandler(ReadOnlySpan<float> mono, ReadOnlySpan<float> interleaved, AudioFileInfo info);
