using Groove.Dsp;

namespace Groove.Tonality;

/// <summary>Settings of <see cref="HarmonicPitchClassProfile"/>.</summary>
public sealed record HpcpOptions
{
    /// <summary>Analysis frame (seconds; rounded up to a power-of-two FFT size): long frames resolve low notes.</summary>
    public double FrameSeconds { get; init; } = 0.18;
    /// <summary>Frames per FFT size: the hop is the FFT size divided by this.</summary>
    public int Overlap { get; init; } = 4;
    /// <summary>Lowest spectral peak counted (Hz).</summary>
    public double MinFrequency { get; init; } = 50;
    /// <summary>Highest spectral peak counted (Hz).</summary>
    public double MaxFrequency { get; init; } = 5000;
    /// <summary>The strongest peaks kept per frame.</summary>
    public int MaxPeaks { get; init; } = 60;
    /// <summary>Peaks weaker than the frame's strongest by more than this (dB) are ignored.</summary>
    public double PeakRangeDb { get; init; } = 60;
    /// <summary>Spectral whitening: each peak's amplitude is taken relative to the spectral envelope around it.</summary>
    public bool Whitening { get; init; } = true;
    /// <summary>Whitened peaks are also attenuated by this many dB per kHz (without it every partial up to the band
    /// limit weighs alike; essentia's whitening uses 5 dB/kHz).</summary>
    public double WhiteningTiltDbPerKHz { get; init; } = 5;
    /// <summary>Peaks more than this far (dB) below the envelope are dropped when whitening.</summary>
    public double WhiteningRangeDb { get; init; } = 30;
    /// <summary>Each peak also counts for the pitches it is the 2nd … n-th harmonic of (1 = fundamental only).</summary>
    public int Harmonics { get; init; } = 4;
    /// <summary>Weight s^(h−1) of the h-th harmonic's contribution (Gómez 2006 uses a decaying weight).</summary>
    public double HarmonicDecay { get; init; } = 0.6;
    /// <summary>Width (semitones) of the cos² window spreading a peak over its neighbouring pitch classes.</summary>
    public double WindowSemitones { get; init; } = 4.0 / 3.0;
    /// <summary>Suppress percussive energy by a median-filtering HPSS soft mask on the spectrogram before peak picking.</summary>
    public bool PercussiveSuppression { get; init; }
    /// <summary>Estimate the tuning from the peaks (otherwise A = 440 Hz).</summary>
    public bool EstimateTuning { get; init; } = true;
    /// <summary>Per-frame normalisation before frames are averaged (Max: every frame counts alike).</summary>
    public ChromaNorm FrameNorm { get; init; } = ChromaNorm.None;

    internal void Validate()
    {
        if (!(FrameSeconds > 0) || Overlap < 1 || !(MinFrequency > 0) || !(MaxFrequency > MinFrequency) || MaxPeaks < 1
            || !(PeakRangeDb > 0) || !(WhiteningRangeDb > 0) || WhiteningTiltDbPerKHz < 0 || Harmonics < 1 || !(HarmonicDecay > 0) || !(WindowSemitones > 0) || WindowSemitones > 2)
            throw new ArgumentException("invalid HPCP options");
    }
}

/// <summary>
/// Harmonic pitch-class profile (HPCP; Gómez 2006, "Tonal description of polyphonic audio for music content
/// processing", INFORMS J. Computing 18(3)): chroma from the spectral peaks of an STFT instead of a filterbank, so
/// that noise and the broad spectra of drums count little. Per frame: optional percussive suppression (HPSS soft mask,
/// Fitzgerald 2010); local maxima of the magnitude spectrum between the band limits, located by parabolic
/// interpolation of the log magnitude, the strongest kept; optional whitening (each peak's level relative to a
/// spectral envelope that follows the peaks, after the spirit of Röbel &amp; Rodet 2005, so a loud bass or a
/// bright mix does not outweigh the rest); then each peak of frequency f and amplitude a adds (a·s^(h−1))²·w(d) to
/// the pitch classes near f/h for h = 1…H (a peak may be the h-th harmonic of a lower note), w = cos²(π·d/ℓ) for a
/// distance d &lt; ℓ/2 semitones from the class centre. The reference pitch comes from the peaks themselves: the
/// energy-weighted circular mean of their deviation from the equal-tempered grid.
/// </summary>
public static class HarmonicPitchClassProfile
{
    /// <summary>The 12-class HPCP (C first) of <paramref name="mono"/> and the tuning found (semitones from A440).</summary>
    public static (Chromagram Chroma, double TuningSemitones) Compute(float[] mono, int sampleRate, HpcpOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mono);
        var o = options ?? new HpcpOptions();
        o.Validate();
        if (sampleRate < 2 * o.MinFrequency + 1) throw new GrooveException($"sample rate {sampleRate} Hz is too low for key estimation");
        int nFft = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(256, (int)Math.Ceiling(o.FrameSeconds * sampleRate)));
        int hop = Math.Max(1, nFft / o.Overlap);
        double binHz = (double)sampleRate / nFft;
        double maxF = Math.Min(o.MaxFrequency, sampleRate / 2.0 * 0.95);
        int lo = Math.Max(1, (int)Math.Floor(o.MinFrequency / binHz));
        int hi = Math.Min(nFft / 2 - 1, (int)Math.Ceiling(maxF / binHz));
        // The band analysed (whitening looks a little beyond the highest peak counted).
        int bandHi = Math.Min(nFft / 2, (int)Math.Ceiling(maxF * 1.5 / binHz));
        int width = bandHi + 1;

        var stft = new Stft(nFft, hop);
        int frames = mono.Length == 0 ? 0 : stft.FrameCount(mono.Length);
        if (frames == 0) return (new Chromagram(new float[12], 12, 1, (double)sampleRate / hop), 0);
        var full = stft.Magnitude(mono);
        cancellationToken.ThrowIfCancellationRequested();
        int bins = stft.Bins;
        var mag = new float[frames * width];
        for (int t = 0; t < frames; t++) full.AsSpan(t * bins, width).CopyTo(mag.AsSpan(t * width, width));
        if (o.PercussiveSuppression)
        {
            // Kernels: ~0.8 s along time (sustained notes), ~170 Hz across frequency (drum hits are broadband).
            int timeK = Math.Max(3, (int)Math.Round(0.8 * sampleRate / hop)) | 1;
            int freqK = Math.Max(3, (int)Math.Round(170 / binHz)) | 1;
            var (harmonic, _) = HpssMasks.ComputeFrameMajor(mag, frames, width, new HpssOptions { HarmonicKernel = timeK, PercussiveKernel = freqK });
            System.Numerics.Tensors.TensorPrimitives.Multiply(mag, harmonic, mag);
            cancellationToken.ThrowIfCancellationRequested();
        }

        // Peaks of every frame: frequency (Hz) and amplitude (whitened or not).
        var peakFreq = new float[frames * o.MaxPeaks];
        var peakAmp = new float[frames * o.MaxPeaks];
        var peakCount = new int[frames];
        var envelope = o.Whitening ? new SpectralEnvelope(lo, bandHi, binHz) : null;
        float clipMax = 0;
        foreach (var v in mag) clipMax = Math.Max(clipMax, v);
        float silent = clipMax * 1e-4f; // frames 80 dB below the loudest are silence
        var candF = new List<float>(256);
        var candA = new List<float>(256);
        var order = new List<int>(256);
        for (int t = 0; t < frames; t++)
        {
            var row = mag.AsSpan(t * width, width);
            float frameMax = 0;
            for (int k = lo; k <= hi; k++) frameMax = Math.Max(frameMax, row[k]);
            if (frameMax <= silent || frameMax <= 0) continue;
            float floor = frameMax * (float)Math.Pow(10, -o.PeakRangeDb / 20);
            candF.Clear(); candA.Clear();
            for (int k = Math.Max(lo, 1); k <= hi; k++)
            {
                float m = row[k];
                if (m <= floor || m <= row[k - 1] || m < row[k + 1]) continue;
                // Parabolic interpolation of the log magnitude through bins k−1, k, k+1.
                double a = Math.Log(Math.Max(row[k - 1], 1e-20f)), b = Math.Log(m), c = Math.Log(Math.Max(row[k + 1], 1e-20f));
                double den = a - 2 * b + c;
                double p = den < 0 ? 0.5 * (a - c) / den : 0;
                double f = (k + p) * binHz;
                if (f < o.MinFrequency || f > maxF) continue;
                candF.Add((float)f);
                candA.Add((float)Math.Exp(b - 0.25 * (a - c) * p));
            }
            if (envelope != null)
            {
                envelope.Fit(row);
                double range = Math.Pow(10, -o.WhiteningRangeDb / 20);
                for (int i = 0; i < candF.Count; i++)
                {
                    double rel = candA[i] / envelope.At(candF[i]);
                    double tilt = Math.Pow(10, -o.WhiteningTiltDbPerKHz * candF[i] / 1000 / 20);
                    candA[i] = rel >= 1 ? (float)tilt : rel >= range ? (float)(rel * tilt) : 0f;
                }
            }
            order.Clear();
            for (int i = 0; i < candF.Count; i++) if (candA[i] > 0) order.Add(i);
            if (order.Count > o.MaxPeaks)
            {
                order.Sort((x, y) => candA[y].CompareTo(candA[x]));
                order.RemoveRange(o.MaxPeaks, order.Count - o.MaxPeaks);
            }
            for (int j = 0; j < order.Count; j++)
            {
                peakFreq[t * o.MaxPeaks + j] = candF[order[j]];
                peakAmp[t * o.MaxPeaks + j] = candA[order[j]];
            }
            peakCount[t] = order.Count;
            if ((t & 63) == 0) cancellationToken.ThrowIfCancellationRequested();
        }

        double tuning = o.EstimateTuning ? Tuning(peakFreq, peakAmp, peakCount, o.MaxPeaks) : 0;
        var data = new float[12 * frames];
        var frame = new double[12];
        double half = o.WindowSemitones / 2;
        for (int t = 0; t < frames; t++)
        {
            Array.Clear(frame);
            for (int j = 0; j < peakCount[t]; j++)
            {
                double f = peakFreq[t * o.MaxPeaks + j], a = peakAmp[t * o.MaxPeaks + j];
                double weight = 1;
                for (int h = 1; h <= o.Harmonics; h++, weight *= o.HarmonicDecay)
                {
                    // Pitch class of f/h, C = 0, relative to the tuned grid.
                    double pc = 12 * Math.Log2(f / h / 440.0) - tuning + 9;
                    pc -= 12 * Math.Floor(pc / 12);
                    int nearest = (int)Math.Round(pc);
                    double e = a * weight;
                    for (int c = nearest - 1; c <= nearest + 1; c++)
                    {
                        double d = Math.Abs(pc - c);
                        if (d >= half) continue;
                        double w = Math.Cos(Math.PI * d / o.WindowSemitones);
                        frame[((c % 12) + 12) % 12] += w * w * e * e;
                    }
                }
            }
            double norm = o.FrameNorm switch
            {
                ChromaNorm.Max => frame.Max(),
                ChromaNorm.L1 => frame.Sum(),
                ChromaNorm.L2 => Math.Sqrt(frame.Sum(v => v * v)),
                _ => 1,
            };
            if (norm <= 0) norm = 1;
            for (int c = 0; c < 12; c++) data[c * frames + t] = (float)(frame[c] / norm);
        }
        return (new Chromagram(data, 12, frames, (double)sampleRate / hop), tuning);
    }

    /// <summary>Energy-weighted circular mean of the peaks' deviation from the nearest semitone of A440 (in [−0.5, 0.5)).</summary>
    private static double Tuning(float[] freq, float[] amp, int[] count, int stride)
    {
        double s = 0, c = 0;
        for (int t = 0; t < count.Length; t++)
            for (int j = 0; j < count[t]; j++)
            {
                double p = 12 * Math.Log2(freq[t * stride + j] / 440.0);
                double dev = p - Math.Round(p), w = (double)amp[t * stride + j] * amp[t * stride + j];
                s += w * Math.Sin(2 * Math.PI * dev);
                c += w * Math.Cos(2 * Math.PI * dev);
            }
        return s == 0 && c == 0 ? 0 : Math.Atan2(s, c) / (2 * Math.PI);
    }

    /// <summary>
    /// A spectral envelope that follows the peaks: at points 1/6 octave apart, the power-weighted mean power of the
    /// spectrum over ±½ octave (a triangular window in log frequency), so strong partials dominate the average and
    /// the envelope sits near their level rather than at the mean of peaks and valleys; linear in log frequency
    /// between the points.
    /// </summary>
    private sealed class SpectralEnvelope
    {
        private const int PointsPerOctave = 6;
        private readonly double[] _logF;
        private readonly double[] _level;
        private readonly double[] _binLogF; // log2 of each bin's frequency
        private readonly int _lo, _hi;
        private readonly double _binHz;

        public SpectralEnvelope(int lo, int hi, double binHz)
        {
            _lo = lo; _hi = hi; _binHz = binHz;
            double f0 = lo * binHz, f1 = hi * binHz;
            int n = Math.Max(2, (int)Math.Ceiling(Math.Log2(f1 / f0) * PointsPerOctave) + 1);
            _logF = new double[n];
            _level = new double[n];
            for (int i = 0; i < n; i++) _logF[i] = Math.Log2(f0) + i / (double)PointsPerOctave;
            _binLogF = new double[hi + 1];
            for (int k = 0; k <= hi; k++) _binLogF[k] = Math.Log2(Math.Max(k, 1) * binHz);
        }

        public void Fit(ReadOnlySpan<float> magnitude)
        {
            for (int i = 0; i < _logF.Length; i++)
            {
                double centre = _logF[i];
                int k0 = Math.Max(_lo, (int)Math.Floor(Math.Pow(2, centre - 0.5) / _binHz));
                int k1 = Math.Min(_hi, (int)Math.Ceiling(Math.Pow(2, centre + 0.5) / _binHz));
                double num = 0, den = 0;
                for (int k = k0; k <= k1; k++)
                {
                    double w = 1 - 2 * Math.Abs(_binLogF[k] - centre);
                    if (w <= 0) continue;
                    double pw = (double)magnitude[k] * magnitude[k];
                    num += w * pw * pw;
                    den += w * pw;
                }
                _level[i] = den > 0 ? Math.Sqrt(num / den) : 0;
            }
        }

        /// <summary>The envelope's magnitude at <paramref name="hz"/> (positive).</summary>
        public double At(double hz)
        {
            double x = (Math.Log2(hz) - _logF[0]) * PointsPerOctave;
            int i = Math.Clamp((int)Math.Floor(x), 0, _logF.Length - 2);
            double frac = Math.Clamp(x - i, 0, 1);
            double v = _level[i] * (1 - frac) + _level[i + 1] * frac;
            return v > 0 ? v : double.Epsilon;
        }
    }
}
