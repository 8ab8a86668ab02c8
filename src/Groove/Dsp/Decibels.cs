using System.Numerics.Tensors;

namespace Groove.Dsp;

/// <summary>Decibel conversions with librosa's semantics (<c>power_to_db</c>, <c>amplitude_to_db</c>).</summary>
public static class Decibels
{
    /// <summary>
    /// db = 10·log10(max(amin, S)) − 10·log10(max(amin, |reference|)), then, with <paramref name="topDb"/>, floored at
    /// (max(db) − topDb). Defaults as librosa: reference 1, amin 1e−10, topDb 80.
    /// </summary>
    public static void PowerToDb(ReadOnlySpan<float> power, Span<float> db, float reference = 1f, float amin = 1e-10f, float? topDb = 80f)
    {
        Check(power.Length, db.Length, amin, topDb);
        TensorPrimitives.Max(power, amin, db);
        // 10·log10(v) as (10/ln 10)·ln(v): TensorPrimitives.Log is vectorised, Log10 is not (≈8× slower).
        TensorPrimitives.Log(db, db);
        float offset = 10f * MathF.Log10(MathF.Max(amin, MathF.Abs(reference)));
        TensorPrimitives.Multiply(db, (float)(10 / Math.Log(10)), db);
        TensorPrimitives.Subtract(db, offset, db);
        if (topDb is { } top && db.Length > 0)
            TensorPrimitives.Max(db, TensorPrimitives.Max(db) - top, db);
    }

    /// <summary><see cref="PowerToDb(ReadOnlySpan{float}, Span{float}, float, float, float?)"/> with the reference set to max(S) (librosa's <c>ref=np.max</c>).</summary>
    public static void PowerToDbRelativeToMax(ReadOnlySpan<float> power, Span<float> db, float amin = 1e-10f, float? topDb = 80f) =>
        PowerToDb(power, db, power.Length == 0 ? 1f : TensorPrimitives.Max(power), amin, topDb);

    /// <summary>
    /// 20·log10 of a magnitude: <see cref="PowerToDb(ReadOnlySpan{float}, Span{float}, float, float, float?)"/> of S² with reference² and amin²
    /// (librosa defaults: reference 1, amin 1e−5, topDb 80).
    /// </summary>
    public static void AmplitudeToDb(ReadOnlySpan<float> amplitude, Span<float> db, float reference = 1f, float amin = 1e-5f, float? topDb = 80f)
    {
        Check(amplitude.Length, db.Length, amin, topDb);
        TensorPrimitives.Abs(amplitude, db);
        TensorPrimitives.Multiply(db, db, db);
        PowerToDb(db, db, reference * reference, amin * amin, topDb);
    }

    /// <summary><see cref="AmplitudeToDb"/> with the reference set to max(|S|).</summary>
    public static void AmplitudeToDbRelativeToMax(ReadOnlySpan<float> amplitude, Span<float> db, float amin = 1e-5f, float? topDb = 80f) =>
        AmplitudeToDb(amplitude, db, amplitude.Length == 0 ? 1f : TensorPrimitives.MaxMagnitude(amplitude), amin, topDb);

    private static void Check(int input, int output, float amin, float? topDb)
    {
        if (output < input) throw new ArgumentException("Output is shorter than input.");
        if (!(amin > 0)) throw new ArgumentOutOfRangeException(nameof(amin), "amin must be strictly positive.");
        if (topDb is < 0) throw new ArgumentOutOfRangeException(nameof(topDb), "top_db must be non-negative.");
    }
}
