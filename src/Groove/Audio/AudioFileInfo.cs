namespace Groove.Audio;

/// <summary>What a file's header says about its audio, without decoding it.</summary>
/// <param name="Format">The container: "WAV", or ffmpeg's format name ("mp3", "flac", "ogg", "mov,mp4,m4a,3gp,3g2,mj2"...).</param>
/// <param name="Codec">The encoding: "PCM 16-bit", "IEEE float 32-bit", or ffmpeg's codec description ("MP3 (MPEG audio layer 3)").</param>
/// <param name="SampleRate">Samples per second per channel.</param>
/// <param name="Channels">Number of channels.</param>
/// <param name="Duration">Duration in seconds as the header states or estimates it; null when unknown.</param>
/// <param name="Decoder">What decodes it: "groove" (WAV in C#), "ffmpeg" or "oggdec".</param>
public sealed record AudioFileInfo(string Format, string Codec, int SampleRate, int Channels, double? Duration, string Decoder);

/// <summary>The result of decoding a whole file without keeping its samples (<see cref="AudioFile.Scan"/>).</summary>
/// <param name="Info">The header's view of the file.</param>
/// <param name="Frames">Samples per channel actually decoded.</param>
/// <param name="Peak">Largest absolute sample value over all channels (1 = full scale).</param>
public sealed record AudioScan(AudioFileInfo Info, long Frames, float Peak)
{
    /// <summary>Decoded duration in seconds.</summary>
    public double Duration => (double)Frames / Info.SampleRate;

    /// <summary>Peak level in dB relative to full scale (negative infinity for digital silence).</summary>
    public double PeakDbfs => Peak > 0 ? 20 * Math.Log10(Peak) : double.NegativeInfinity;
}
