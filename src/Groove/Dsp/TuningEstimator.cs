namespace Groove.Dsp;

/// <summary>
/// Tuning deviation from A440 as librosa's <c>estimate_tuning</c> computes it: spectral peaks are picked as
/// <c>piptrack</c> does (2048-point Hann STFT, hop 512, bins 150–4000 Hz that are local maxima above 0.1× the frame's
/// maximum, frequency refined by parabolic interpolation), the peaks at least as strong as their median are kept,
/// and the deviation is the mode of their offsets from the equal-tempered grid (histogram of 0.01-bin resolution).
/// </summary>
public static class TuningEstimator
{
    private const int FftSize = 2048, Hop = 512;
    private const double PeakFmin = 150, PeakFmax = 4000, PeakThreshold = 0.1;

    /// <summary>
    /// The tuning offset of <paramref name="signal"/> (mono, <paramref name="sampleRate"/> Hz) in fractions of a bin of
    /// a <paramref name="binsPerOctave"/> grid, in [−0.5, 0.5). 12 gives semitones: +0.1 means A = 440·2^(0.1/12).
    /// Returns 0 when the signal has no usable peaks (silence).
    /// </summary>
    public static double Estimate(ReadOnlySpan<float> signal, int sampleRate, int binsPerOctave = 12, double resolution = 0.01)
    {
        var freqs = PeakFrequencies(signal, sampleRate);
        return PitchTuning(freqs, binsPerOctave, resolution);
    }

    /// <summary>
    /// librosa's <c>pitch_tuning</c>: the histogram mode (left bin edge, <paramref name="resolution"/> wide) of
    /// the frequencies' offsets from the nearest <paramref name="binsPerOctave"/>-EDO pitch, in bins.
    /// </summary>
    public static double PitchTuning(IReadOnlyList<double> frequencies, int binsPerOctave = 12, double resolution = 0.01)
    {
        int nEdges = (int)Math.Ceiling(1.0 / resolution) + 1;
        int nHist = nEdges - 1;
        var counts = new int[nHist];
        bool any = false;
        foreach (double f in frequencies)
        {
            if (!(f > 0)) continue;
            any = true;
            double r = binsPerOctave * Math.Log2(f / 27.5);
            r -= Math.Floor(r);
            if (r >= 0.5) r -= 1.0;
            // np.histogram on linspace(−0.5, 0.5, nEdges): half-open bins, the last one closed.
            int idx = (int)Math.Floor((r + 0.5) / (1.0 / nHist));
            counts[Math.Clamp(idx, 0, nHist - 1)]++;
        }
        if (!any) return 0.0;
        int best = 0;
        for (int i = 1; i < nHist; i++) if (counts[i] > counts[best]) best = i;
        return -0.5 + best * (1.0 / nHist);
    }

    /// <summary>Peak frequencies as piptrack finds them, keeping those whose magnitude is at least the median.</summary>
    internal static List<double> PeakFrequencies(ReadOnlySpan<float> signal, int sampleRate)
    {
        var pitches = new List<double>();
        var mags = new List<double>();
        if (signal.Length == 0) return pitches;
        var stft = new Stft(FftSize, Hop);
        int n = FftSize, bins = stft.Bins;
        var spectrogram = stft.Magnitude(signal);
        int frames = spectrogram.Length / bins;
        double fmax = Math.Min(PeakFmax, sampleRate / 2.0);
        int kLo = Math.Max(1, (int)Math.Ceiling(PeakFmin * n / sampleRate));
        int kHi = Math.Min(bins - 2, (int)Math.Ceiling(fmax * n / sampleRate) - 1); // f < fmax
        for (int j = 0; j < frames; j++)
        {
            var mag = spectrogram.AsSpan(j * bins, bins);
            float max = System.Numerics.Tensors.TensorPrimitives.Max(mag);
            if (!(max > 0)) continue;
            float refValue = (float)(PeakThreshold * max);
            for (int k = kLo; k <= kHi; k++)
            {
                // Local maximum of S·(S > ref): strictly above the left neighbour, not below the right one.
                float c = mag[k] > refValue ? mag[k] : 0;
                if (c <= 0) continue;
                float l = mag[k - 1] > refValue ? mag[k - 1] : 0;
                float r = mag[k + 1] > refValue ? mag[k + 1] : 0;
                if (!(c > l && c >= r)) continue;
                double aa = mag[k + 1] + mag[k - 1] - 2.0 * mag[k];
                double bb = (mag[k + 1] - mag[k - 1]) / 2.0;
                double shift = Math.Abs(bb) < Math.Abs(aa) ? -bb / aa : 0;
                pitches.Add((k + shift) * sampleRate / n);
                mags.Add(mag[k] + 0.5 * bb * shift);
            }
        }
        if (pitches.Count == 0) return pitches;
        var sorted = mags.ToArray();
        Array.Sort(sorted);
        int m = sorted.Length;
        double median = m % 2 == 1 ? sorted[m / 2] : 0.5 * (sorted[m / 2 - 1] + sorted[m / 2]);
        var kept = new List<double>(m / 2 + 1);
        for (int i = 0; i < m; i++) if (mags[i] >= median) kept.Add(pitches[i]);
        return kept;
    }
}
