namespace Groove.Tonality.Stone;

/// <summary>
/// Synthetic tonal audio: a I–IV–V–I (major) or i–iv–V–i (minor) cadence of harmonic-rich tones with a bass note,
/// used to calibrate which output class of a self-supervised key-signature model means C major, and in tests.
/// </summary>
public static class SyntheticCadence
{
    /// <summary>Mono samples of the cadence in the key <paramref name="tonic"/> (0 = C) and <paramref name="mode"/>.</summary>
    public static float[] Render(int tonic, KeyMode mode, int sampleRate = StoneFrontEnd.SampleRate, double secondsPerChord = 1.5)
    {
        int[][] chords = mode == KeyMode.Major
            ? [[0, 4, 7], [5, 9, 12], [7, 11, 14, 17], [0, 4, 7, 12]]
            : [[0, 3, 7], [5, 8, 12], [7, 11, 14, 17], [0, 3, 7, 12]];
        int per = (int)(secondsPerChord * sampleRate);
        var y = new float[per * chords.Length];
        int baseMidi = 60 + ((tonic % 12) + 12) % 12 - (tonic % 12 > 5 ? 12 : 0);
        for (int c = 0; c < chords.Length; c++)
        {
            var notes = chords[c].Select(n => baseMidi + n).Append(baseMidi + chords[c][0] - 24).ToArray();
            for (int i = 0; i < per; i++)
            {
                double t = i / (double)sampleRate;
                double env = Math.Min(1, t * 50) * Math.Exp(-1.5 * t);
                double s = 0;
                foreach (int m in notes)
                {
                    double f = 440 * Math.Pow(2, (m - 69) / 12.0);
                    for (int h = 1; h <= 5 && h * f < sampleRate / 2.0; h++) s += Math.Sin(2 * Math.PI * h * f * t) / (h * h);
                }
                y[c * per + i] = (float)(0.08 * env * s);
            }
        }
        return y;
    }
}
