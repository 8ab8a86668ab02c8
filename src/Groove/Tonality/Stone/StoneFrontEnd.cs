using Groove.Dsp;

namespace Groove.Tonality.Stone;

/// <summary>
/// STONE's input representation (Kong et al., "STONE: Self-supervised tonality estimator", ISMIR 2024): a CQT at
/// 22050 Hz, hop 512, 99 semitone bins from A0 (27.5 Hz), in decibels (top 80 dB below the track's maximum) scaled
/// to [0, 1]. Transpositions are made by cropping <see cref="CropBins"/> = 84 of the 99 bins: the crop at offset
/// <c>o</c> (0 … 15) holds bins o … o+83, so raising the offset by d moves the content d bins down, i.e. the crop at
/// offset o1 equals the crop at offset o2 transposed by (o2 − o1) semitones.
/// </summary>
public static class StoneFrontEnd
{
    /// <summary>Sample rate the front end works at.</summary>
    public const int SampleRate = SampleRates.Analysis;
    /// <summary>CQT hop in samples.</summary>
    public const int HopLength = 512;
    /// <summary>CQT bins (12 per octave from A0).</summary>
    public const int Bins = 99;
    /// <summary>Bins per octave.</summary>
    public const int BinsPerOctave = 12;
    /// <summary>Bins the network sees (seven octaves).</summary>
    public const int CropBins = 84;
    /// <summary>Largest crop offset (99 − 84).</summary>
    public const int MaxOffset = Bins - CropBins;
    /// <summary>Lowest bin's frequency: A0.</summary>
    public const double Fmin = 27.5;
    /// <summary>Dynamic range kept below the maximum.</summary>
    public const float TopDb = 80f;

    /// <summary>Frames per second of the representation.</summary>
    public static double FrameRate => SampleRate / (double)HopLength;

    /// <summary>
    /// The scaled CQT of mono audio at <see cref="SampleRate"/>, bin-major ([99, frames], row = bin), values in [0, 1]
    /// (1 = the loudest bin-frame of the signal, 0 = 80 dB below or quieter).
    /// </summary>
    public static float[] Compute(ReadOnlySpan<float> mono, out int frames, CancellationToken cancellationToken = default)
    {
        var cqt = new ConstantQTransform(ConstantQOptions.Cqt(SampleRate, HopLength, Fmin, Bins, BinsPerOctave)).Compute(mono, cancellationToken);
        frames = cqt.FrameCount;
        var data = cqt.Data;
        var db = new float[data.Length];
        Decibels.AmplitudeToDbRelativeToMax(data, db, topDb: TopDb);
        Scale(db);
        return db;
    }

    /// <summary>Maps decibels relative to the maximum (−80 … 0) to [0, 1] in place.</summary>
    internal static void Scale(Span<float> db)
    {
        for (int i = 0; i < db.Length; i++) db[i] = Math.Clamp((db[i] + TopDb) / TopDb, 0f, 1f);
    }

    /// <summary>
    /// Copies the excerpt of <paramref name="length"/> frames starting at <paramref name="startFrame"/> and bins
    /// <paramref name="offset"/> … offset+83 of a bin-major CQT ([99, frames]) into <paramref name="dst"/>
    /// ([84, length], bin-major). Frames past the end are zero.
    /// </summary>
    public static void Crop(ReadOnlySpan<float> cqt, int frames, int offset, int startFrame, int length, Span<float> dst)
    {
        if ((uint)offset > MaxOffset) throw new ArgumentOutOfRangeException(nameof(offset), $"crop offset {offset} outside 0..{MaxOffset}");
        if (cqt.Length != Bins * frames) throw new ArgumentException("CQT is not [99, frames].", nameof(cqt));
        if (dst.Length < CropBins * length) throw new ArgumentException("destination too small", nameof(dst));
        int copy = Math.Clamp(frames - startFrame, 0, length);
        for (int b = 0; b < CropBins; b++)
        {
            var row = dst.Slice(b * length, length);
            if (copy > 0) cqt.Slice((offset + b) * frames + startFrame, copy).CopyTo(row);
            row[copy..].Clear();
        }
    }
}
