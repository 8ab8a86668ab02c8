namespace Groove.Audio;

/// <summary>How the samples of a WAV data chunk are stored.</summary>
internal enum WavSampleEncoding
{
    /// <summary>Integer PCM (8-bit unsigned; 16/24/32-bit signed), little-endian.</summary>
    Pcm,
    /// <summary>IEEE 754 float, 32 or 64 bit, little-endian.</summary>
    Float,
    /// <summary>Anything else (ADPCM, A-law, MP3 in WAV...): left to ffmpeg.</summary>
    Other,
}

/// <summary>The parsed <c>fmt </c> chunk of a WAV file.</summary>
/// <param name="Encoding">Integer PCM, float, or something we do not decode ourselves.</param>
/// <param name="FormatTag">The raw format tag (for EXTENSIBLE: the sub-format's tag).</param>
/// <param name="Channels">Interleaved channels per frame.</param>
/// <param name="SampleRate">Frames per second.</param>
/// <param name="BitsPerSample">Significant bits per sample (EXTENSIBLE's valid bits when given).</param>
/// <param name="BytesPerSample">Bytes each sample occupies in a frame (the container size).</param>
/// <param name="Extensible">Whether the file used WAVE_FORMAT_EXTENSIBLE.</param>
internal sealed record WavFormat(
    WavSampleEncoding Encoding,
    int FormatTag,
    int Channels,
    int SampleRate,
    int BitsPerSample,
    int BytesPerSample,
    bool Extensible)
{
    public const int TagPcm = 1;
    public const int TagFloat = 3;
    public const int TagExtensible = 0xFFFE;

    public int BlockAlign => Channels * BytesPerSample;

    /// <summary>Whether <see cref="WavStream"/> decodes this encoding itself.</summary>
    public bool IsNativelyDecoded => Encoding switch
    {
        WavSampleEncoding.Pcm => BytesPerSample is >= 1 and <= 4,
        WavSampleEncoding.Float => BytesPerSample is 4 or 8,
        _ => false,
    };

    /// <summary>A short human description, e.g. "PCM 16-bit" or "IEEE float 32-bit (extensible)".</summary>
    public string Describe()
    {
        string core = Encoding switch
        {
            WavSampleEncoding.Pcm => $"PCM {BitsPerSample}-bit",
            WavSampleEncoding.Float => $"IEEE float {BytesPerSample * 8}-bit",
            _ => $"format 0x{FormatTag:X4}",
        };
        return Extensible ? core + " (extensible)" : core;
    }
}
