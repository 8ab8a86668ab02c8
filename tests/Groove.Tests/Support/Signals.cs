namespace Groove.Tests.Support;

/// <summary>Synthetic test signals.</summary>
internal static class Signals
{
    /// <summary>Decaying noise bursts (with a low thump every <paramref name="accentEvery"/>-th) at <paramref name="bpm"/>.</summary>
    public static float[] ClickTrack(double bpm, double seconds, int sr = 22050, int accentEvery = 4, double offset = 0.1, int seed = 3)
    {
        var rng = new Random(seed);
        var x = new float[(int)(seconds * sr)];
        double period = 60 / bpm;
        int k = 0;
        for (double t = offset; t < seconds; t += period, k++)
        {
            int start = (int)(t * sr);
            bool accent = k % accentEvery == 0;
            for (int i = 0; i < sr / 10 && start + i < x.Length; i++)
            {
                double env = Math.Exp(-i / (sr * 0.015));
                double v = 0.5 * env * (rng.NextDouble() * 2 - 1);
                if (accent) v += 0.4 * Math.Exp(-i / (sr * 0.05)) * Math.Sin(2 * Math.PI * 60 * i / sr);
                x[start + i] += (float)v;
            }
        }
        return x;
    }

    /// <summary><paramref name="n"/> samples of amp·sin(2π·freq·i/rate + phase).</summary>
    public static float[] Sine(double freq, double rate, int n, double amp = 0.5, double phase = 0)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(amp * Math.Sin(2 * Math.PI * freq * i / rate + phase));
        return x;
    }
}
