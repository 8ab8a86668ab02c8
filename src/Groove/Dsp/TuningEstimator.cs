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
        int bins = stft.Bins;
        var spectrogram = stft.Magnitude(signal);
        int frames = spectrogram.Length / bins;
        for (int j = 0; j < frames; j++)
            FramePeaks(spectrogram.AsSpan(j * bins, bins), sampleRate, (p, m) => { pitches.Add(p); mags.Add(m); });
        if (pitches.Count == 0) return pitches;
        var sorted = mags.ToArray();
        Array.Sort(sorted);
        int count = sorted.Length;
        double median = count % 2 == 1 ? sorted[count / 2] : 0.5 * (sorted[count / 2 - 1] + sorted[count / 2]);
        var kept = new List<double>(count / 2 + 1);
        for (int i = 0; i < count; i++) if (mags[i] >= median) kept.Add(pitches[i]);
        return kept;
    }

    /// <summary>The piptrack peaks (frequency, magnitude) of one magnitude frame of the 2048-point STFT.</summary>
    private static void FramePeaks(ReadOnlySpan<float> mag, int sampleRate, Action<double, double> onPeak)
    {
        const int n = FftSize;
        int bins = n / 2 + 1;
        double fmax = Math.Min(PeakFmax, sampleRate / 2.0);
        int kLo = Math.Max(1, (int)Math.Ceiling(PeakFmin * n / sampleRate));
        int kHi = Math.Min(bins - 2, (int)Math.Ceiling(fmax * n / sampleRate) - 1); // f < fmax
        float max = System.Numerics.Tensors.TensorPrimitives.Max(mag);
        if (!(max > 0)) return;
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
            onPeak((k + shift) * sampleRate / n, mag[k] + 0.5 * bb * shift);
        }
    }

    /// <summary>
    /// <see cref="Estimate"/> (12 bins per octave, resolution 0.01) for a signal that arrives block by block, in
    /// memory that does not grow with its length: the STFT frames are computed in overlapping segments
    /// (<see cref="FrameSegmenter"/>, so every frame equals the whole signal's), and each peak is counted in a
    /// histogram per (magnitude class, tuning bin) instead of being kept. The one approximation: the median magnitude
    /// is known only to its class (magnitudes sharing the top 16 bits of their float, 1/128 apart), and all peaks of
    /// the median's class are counted as at least the median; the histogram mode, and so the tuning, moves only when
    /// those few peaks decide it (then by 0.01 semitone or so).
    /// </summary>
    internal sealed class Streaming
    {
        private const int Bins = 100; // resolution 0.01 over [−0.5, 0.5)
        private readonly int _sampleRate;
        private readonly Stft _stft = new(FftSize, Hop);
        private readonly FrameSegmenter _segmenter;
        private readonly Dictionary<int, int[]> _histogramByClass = [];
        private long _peaks;

        /// <param name="sampleRate">Rate of the signal.</param>
        public Streaming(int sampleRate)
        {
            _sampleRate = sampleRate;
            _segmenter = new FrameSegmenter(Hop, Hop, FftSize, 60 * sampleRate, length => _stft.FrameCount((int)Math.Min(int.MaxValue, length)), Segment);
        }

        /// <summary>Takes the next block of the mono signal.</summary>
        public void Add(ReadOnlySpan<float> block) => _segmenter.Add(block);

        /// <summary>Ends the signal and returns its tuning in semitones, in [−0.5, 0.5).</summary>
        public double Finish()
        {
            if (_segmenter.Length > 0) _segmenter.Finish();
            if (_peaks == 0) return 0;
            var classes = _histogramByClass.Keys.Order().ToArray();
            // The class holding the median: the (⌈count/2⌉)-th smallest magnitude.
            long rank = (_peaks - 1) / 2, seen = 0;
            int start = 0;
            for (; start < classes.Length; start++)
            {
                long inClass = _histogramByClass[classes[start]].Sum(v => (long)v);
                if (seen + inClass > rank) break;
                seen += inClass;
            }
            var counts = new long[Bins];
            for (int c = start; c < classes.Length; c++)
            {
                var h = _histogramByClass[classes[c]];
                for (int i = 0; i < Bins; i++) counts[i] += h[i];
            }
            int best = 0;
            for (int i = 1; i < Bins; i++) if (counts[i] > counts[best]) best = i;
            return -0.5 + best * (1.0 / Bins);
        }

        private void Segment(ReadOnlySpan<float> segment, int segmentFirstFrame, int keepFrom, int keepTo, bool isLast)
        {
            if (segment.Length == 0) return;
            var spectrogram = _stft.Magnitude(segment);
            int bins = _stft.Bins, frames = spectrogram.Length / bins;
            keepTo = Math.Min(keepTo, segmentFirstFrame + frames);
            for (int j = keepFrom; j < keepTo; j++)
                FramePeaks(spectrogram.AsSpan((j - segmentFirstFrame) * bins, bins), _sampleRate, Count);
        }

        private void Count(double frequency, double magnitude)
        {
            _peaks++;
            int cls = (int)(BitConverter.SingleToUInt32Bits((float)magnitude) >> 16);
            if (!_histogramByClass.TryGetValue(cls, out var h)) _histogramByClass[cls] = h = new int[Bins];
            if (!(frequency > 0)) return;
            double r = 12 * Math.Log2(frequency / 27.5);
            r -= Math.Floor(r);
            if (r >= 0.5) r -= 1.0;
            int idx = (int)Math.Floor((r + 0.5) / (1.0 / Bins));
            h[Math.Clamp(idx, 0, Bins - 1)]++;
        }
    }
}
