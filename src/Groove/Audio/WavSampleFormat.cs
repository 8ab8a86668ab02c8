namespace Groove.Audio;

/// <summary>Sample encoding written by <see cref="WavWriter"/>.</summary>
public enum WavSampleFormat
{
    /// <summary>16-bit integer PCM: rounded to the nearest step (no dither), clipped to full scale.</summary>
    Pcm16,
    /// <summary>32-bit IEEE float: exact.</summary>
    Float32,
}
