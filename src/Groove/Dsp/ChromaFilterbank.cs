namespace Groove.Dsp;

/// <summary>
/// The STFT-to-chroma filterbank of librosa's <c>filters.chroma</c> (after Ellis' <c>chromagram_E</c>): each FFT bin
/// spreads onto the chroma classes with a Gaussian bump (in chroma units, half as wide as the bin's own width in
/// chroma) around its pitch, columns L2-normalised, weighted by a Gaussian over octaves centred on octave 5 (≈ 880 Hz
/// region, ctroct=5, octwidth=2), rows rolled so that row 0 is C.
/// </summary>
public static class ChromaFilterbank
{
    /// <summary>
    /// Weights <c>[n_chroma, n_fft/2 + 1]</c>, row-major. <paramref name="tuning"/> is in fractions of a chroma bin
    /// (A = 440·2^(tuning / n_chroma)).
    /// </summary>
    public static float[] Create(int sampleRate, int fftSize, int chromaCount = 12, double tuning = 0,
        double centerOctave = 5.0, double octaveWidth = 2.0)
    {
        if (sampleRate <= 0 || fftSize < 2 || chromaCount <= 0) throw new ArgumentOutOfRangeException(nameof(fftSize));
        int nc = chromaCount, bins = fftSize / 2 + 1;
        double a440 = 440.0 * Math.Pow(2.0, tuning / nc);
        // frqbins over all n_fft bins (positive and aliased), as librosa computes before trimming.
        var frq = new double[fftSize];
        for (int k = 1; k < fftSize; k++)
            frq[k] = nc * Math.Log2(k * (double)sampleRate / fftSize / (a440 / 16));
        frq[0] = fftSize > 1 ? frq[1] - 1.5 * nc : 0;
        var width = new double[fftSize];
        for (int k = 0; k < fftSize - 1; k++) width[k] = Math.Max(frq[k + 1] - frq[k], 1.0);
        width[fftSize - 1] = 1;

        double half = Math.Round(nc / 2.0, MidpointRounding.ToEven);
        var w = new double[nc, bins];
        for (int k = 0; k < bins; k++)
        {
            double norm2 = 0;
            for (int c = 0; c < nc; c++)
            {
                double d = frq[k] - c + half + 10 * nc;
                d = d - nc * Math.Floor(d / nc) - half; // np.remainder(…, n_chroma) − n_chroma2
                double z = 2 * d / width[k];
                w[c, k] = Math.Exp(-0.5 * z * z);
                norm2 += w[c, k] * w[c, k];
            }
            double inv = norm2 > 0 ? 1 / Math.Sqrt(norm2) : 0;
            double oz = (frq[k] / nc - centerOctave) / octaveWidth;
            double octWeight = Math.Exp(-0.5 * oz * oz);
            for (int c = 0; c < nc; c++) w[c, k] *= inv * octWeight;
        }
        // Roll rows by −3·(n_chroma/12): the bins above count from A; row 0 becomes C.
        int shift = 3 * (nc / 12);
        var result = new float[nc * bins];
        for (int c = 0; c < nc; c++)
        {
            int src = ((c + shift) % nc + nc) % nc;
            for (int k = 0; k < bins; k++) result[c * bins + k] = (float)w[src, k];
        }
        return result;
    }
}
