using Groove.Nn;
using Groove.Rhythm.ZeroNoteSamba;

namespace Groove.Tests.Rhythm.ZeroNoteSamba;

/// <summary>Synthetic two-part music for Zero-Note Samba tests: clicks (percussive) and a tone that changes pitch
/// on every click (non-percussive), at 16 kHz.</summary>
internal static class ZeroNsSynthetic
{
    public static ZeroNsParts Parts(double seconds, double period, double phase, Rng rng)
    {
        int sr = ZeroNsFrontEnd.SampleRate, n = (int)(seconds * sr);
        var p = new float[n];
        var h = new float[n];
        double f = 220, ph = 0;
        int next = (int)(phase * sr);
        for (int i = 0; i < n; i++)
        {
            if (i == next)
            {
                for (int k = 0; k < 160 && i + k < n; k++) p[i + k] += (float)((rng.NextDouble() * 2 - 1) * Math.Exp(-k / 40.0));
                f = 110 * Math.Pow(2, rng.NextInt(36) / 12.0);
                next += (int)(period * sr);
            }
            ph += 2 * Math.PI * f / sr;
            h[i] = 0.3f * (float)Math.Sin(ph);
        }
        return new ZeroNsParts(p, h);
    }

    /// <summary>A four-layer network small enough for learning tests.</summary>
    public static SyncPredNetConfig Tiny { get; } = new()
    {
        Name = "tiny",
        Dropout = 0f,
        Layers = [new(4, 3, 5, 1, 8), new(8, 3, 5, 2, 12), new(8, 1, 5, 4), new(8, 1, 3, 1)],
    };

    /// <summary>Windows [count, 1, 96, frames] of bin-major features at the given starts.</summary>
    public static Tensor Windows(float[] x, int frames, int[] starts, int length)
    {
        int bins = ZeroNsFrontEnd.Bins;
        var d = new float[starts.Length * bins * length];
        for (int i = 0; i < starts.Length; i++)
            for (int b = 0; b < bins; b++)
                x.AsSpan(b * frames + starts[i], length).CopyTo(d.AsSpan((i * bins + b) * length));
        return Tensor.Wrap(d, starts.Length, 1, bins, length);
    }
}
