namespace Groove.Embeddings;

/// <summary>
/// The classic baseline: MFCCs (orthonormal DCT-II of the <see cref="LogMelTiles"/> log-mel frames, coefficients
/// 0–19) summarised by their mean and standard deviation over a span of frames → a 40-dimensional vector.
/// </summary>
public static class MfccStatistics
{
    /// <summary>MFCC coefficients kept.</summary>
    public const int Coefficients = 20;
    /// <summary>Length of the vector: mean and standard deviation of each coefficient.</summary>
    public const int Dimension = 2 * Coefficients;

    private static readonly float[] Dct = BuildDct();

    private static float[] BuildDct()
    {
        // Orthonormal DCT-II rows: c_k(m) = s_k · cos(π k (m + ½) / M), s_0 = √(1/M), s_k = √(2/M).
        int m = LogMelTiles.Mels;
        var d = new float[Coefficients * m];
        for (int k = 0; k < Coefficients; k++)
        {
            double s = k == 0 ? Math.Sqrt(1.0 / m) : Math.Sqrt(2.0 / m);
            for (int j = 0; j < m; j++) d[k * m + j] = (float)(s * Math.Cos(Math.PI * k * (j + 0.5) / m));
        }
        return d;
    }

    /// <summary>MFCCs of one log-mel frame (128 values) into <paramref name="mfcc"/> (20 values).</summary>
    public static void Frame(ReadOnlySpan<float> logMelFrame, Span<float> mfcc)
    {
        for (int k = 0; k < Coefficients; k++)
            mfcc[k] = System.Numerics.Tensors.TensorPrimitives.Dot(Dct.AsSpan(k * LogMelTiles.Mels, LogMelTiles.Mels), logMelFrame);
    }

    /// <summary>Mean and standard deviation of the MFCCs of frames [start, start + count) of a log-mel array.</summary>
    public static float[] Compute(ReadOnlySpan<float> logMel, int start, int count)
    {
        int frames = logMel.Length / LogMelTiles.Mels;
        int end = Math.Min(frames, start + count);
        if (end <= start) throw new ArgumentException("no frames to summarise");
        Span<float> c = stackalloc float[Coefficients];
        var sum = new double[Coefficients]; var sq = new double[Coefficients];
        for (int f = start; f < end; f++)
        {
            Frame(logMel.Slice(f * LogMelTiles.Mels, LogMelTiles.Mels), c);
            for (int k = 0; k < Coefficients; k++) { sum[k] += c[k]; sq[k] += (double)c[k] * c[k]; }
        }
        int n = end - start;
        var v = new float[Dimension];
        for (int k = 0; k < Coefficients; k++)
        {
            double mean = sum[k] / n;
            v[k] = (float)mean;
            v[Coefficients + k] = (float)Math.Sqrt(Math.Max(sq[k] / n - mean * mean, 0));
        }
        return v;
    }
}
