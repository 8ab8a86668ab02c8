namespace Groove;

/// <summary>
/// Seeded pseudo-random generator (xoshiro256**, Blackman &amp; Vigna 2018, seeded through SplitMix64) with an
/// explicit, saveable state, so training can be checkpointed and resumed bit-for-bit.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;

    public Rng(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x); _s1 = SplitMix(ref x); _s2 = SplitMix(ref x); _s3 = SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The four state words (for checkpoints).</summary>
    public ulong[] GetState() => new[] { _s0, _s1, _s2, _s3 };

    public void SetState(ReadOnlySpan<ulong> state)
    {
        if (state.Length != 4) throw new ArgumentException("Rng state has 4 words.");
        if ((state[0] | state[1] | state[2] | state[3]) == 0) throw new ArgumentException("Rng state cannot be all zero.");
        (_s0, _s1, _s2, _s3) = (state[0], state[1], state[2], state[3]);
    }

    public ulong NextUInt64()
    {
        ulong result = RotL(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotL(_s3, 45);
        return result;
    }

    private static ulong RotL(ulong x, int k) => (x << k) | (x >> (64 - k));

    /// <summary>Uniform double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform float in [0, 1).</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n));
        // Lemire's multiply-shift; the tiny bias (< n/2^64) is irrelevant here.
        return (int)(((UInt128)NextUInt64() * (ulong)n) >> 64);
    }

    /// <summary>Standard normal (Box–Muller, both values of a pair used by <see cref="FillNormal"/>).</summary>
    public double NextNormal()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public void FillNormal(Span<float> dst, float mean = 0f, float std = 1f)
    {
        int i = 0;
        for (; i + 1 < dst.Length; i += 2)
        {
            double u1 = 1.0 - NextDouble(), u2 = NextDouble();
            double r = Math.Sqrt(-2.0 * Math.Log(u1));
            dst[i] = mean + std * (float)(r * Math.Cos(2 * Math.PI * u2));
            dst[i + 1] = mean + std * (float)(r * Math.Sin(2 * Math.PI * u2));
        }
        if (i < dst.Length) dst[i] = mean + std * (float)NextNormal();
    }

    public void FillUniform(Span<float> dst, float lo, float hi)
    {
        float w = hi - lo;
        for (int i = 0; i < dst.Length; i++) dst[i] = lo + w * NextFloat();
    }

    /// <summary>Fisher–Yates shuffle.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
