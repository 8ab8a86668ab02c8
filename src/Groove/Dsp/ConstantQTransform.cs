using System.Buffers;
using System.Numerics.Tensors;

namespace Groove.Dsp;

/// <summary>
/// Magnitude constant-Q / variable-Q transform computed as librosa's <c>vqt</c> does (Schörkhuber &amp; Klapuri 2010,
/// "Constant-Q transform toolbox for music processing"): octave by octave from the top, each octave's filters applied
/// as sparse frequency-domain kernels to the FFT of centred, zero-padded frames, then the signal is low-passed and
/// decimated by 2 (and the hop halved) for the next octave down. If the top filter's cutoff is far below Nyquist the
/// signal is first decimated as librosa's <c>__early_downsample</c> does.
/// Magnitudes match librosa's: a sinusoid of amplitude A at a bin's centre gives about A·√L/2 (A·L/2 without
/// <see cref="ConstantQOptions.Scale"/>), L being that bin's filter length at the input rate.
/// Construct once per parameter set (it precomputes the kernels); <see cref="Compute"/> is thread-safe.
/// </summary>
public sealed class ConstantQTransform
{
    private const double ResamplerBandwidth = 0.85; // librosa's BW_FASTEST (resampy kaiser_fast rolloff)

    private readonly ConstantQOptions _o;
    private readonly Octave[] _octaves;
    private readonly int _earlyDownsample;

    /// <summary>Centre frequencies of the bins (Hz), lowest first.</summary>
    public double[] Frequencies { get; }

    /// <summary>Filter length (samples at the input rate) of each bin.</summary>
    public double[] Lengths { get; }

    public ConstantQOptions Options => _o;

    public ConstantQTransform(ConstantQOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _o = options;
        if (options.SampleRate <= 0) throw new ArgumentOutOfRangeException(nameof(options), "SampleRate must be positive.");
        if (options.HopLength <= 0) throw new ArgumentOutOfRangeException(nameof(options), "HopLength must be positive.");
        if (options.BinCount <= 0 || options.BinsPerOctave <= 0) throw new ArgumentOutOfRangeException(nameof(options), "BinCount and BinsPerOctave must be positive.");
        if (options.Fmin <= 0) throw new ArgumentOutOfRangeException(nameof(options), "Fmin must be positive.");
        if (options.FilterScale <= 0) throw new ArgumentOutOfRangeException(nameof(options), "FilterScale must be positive.");
        if (options.Gamma < 0) throw new ArgumentOutOfRangeException(nameof(options), "Gamma must be non-negative.");

        int bpo = options.BinsPerOctave, nBins = options.BinCount;
        double alpha = WaveletFilters.Alpha(bpo);
        double gamma = options.Gamma;
        Frequencies = options.Frequencies();
        Lengths = new double[nBins];
        for (int b = 0; b < nBins; b++)
            Lengths[b] = WaveletFilters.Length(Frequencies[b], options.SampleRate, alpha, gamma, options.FilterScale);

        double nyquist = options.SampleRate / 2.0;
        double cutoff = 0;
        foreach (var f in Frequencies) cutoff = Math.Max(cutoff, WaveletFilters.Cutoff(f, alpha, gamma, options.FilterScale));
        if (cutoff > nyquist)
            throw new ArgumentException(
                $"the top bin's filter reaches {cutoff:F0} Hz, above Nyquist ({nyquist:F0} Hz): lower Fmin or BinCount", nameof(options));

        int nOctaves = (nBins + bpo - 1) / bpo;
        // librosa's __early_downsample_count: how many halvings before the first octave keep the top filter in band
        // and leave the hop divisible by 2 for every octave.
        int count1 = Math.Max(0, (int)Math.Ceiling(Math.Log2(ResamplerBandwidth * nyquist / cutoff)) - 1 - 1);
        int twos = 0;
        for (int h = options.HopLength; h % 2 == 0; h /= 2) twos++;
        int count2 = Math.Max(0, twos - nOctaves + 1);
        _earlyDownsample = Math.Min(count1, count2);

        double sr = options.SampleRate / Math.Pow(2, _earlyDownsample);
        int hop = options.HopLength >> _earlyDownsample;
        _octaves = new Octave[nOctaves];
        for (int i = 0; i < nOctaves; i++)
        {
            int hi = nBins - i * bpo, lo = Math.Max(0, hi - bpo);
            _octaves[i] = new Octave(lo, hi, sr, hop, BuildKernels(lo, hi, sr, alpha, gamma), KernelSize(lo, sr, alpha, gamma));
            // librosa halves whenever the hop allows; we also keep the rate when the next octave's filters (main lobe:
            // f + 2·(α·f + γ)/filter_scale) would reach the decimator's transition band, which would attenuate and
            // alias them (wide VQT filters at the bottom, or bins close to Nyquist).
            bool halve = i + 1 < nOctaves && hop % 2 == 0 && NextOctaveFits(Math.Max(0, lo - 1), sr / 2, alpha, gamma);
            if (halve) { hop /= 2; sr /= 2; }
            _octaves[i] = _octaves[i] with { DecimateAfter = halve };
        }
    }

    /// <summary>Samples of context a segment needs on each side for its inner frames to equal the whole signal's
    /// (<see cref="FrameSegmenter"/>): every octave's FFT window and the decimation filters before it, in input
    /// samples, with room to spare.</summary>
    internal int SegmentMargin
    {
        get
        {
            double margin = 0, maxFactor = 1;
            foreach (var oct in _octaves)
            {
                double factor = _o.SampleRate / oct.SampleRate;
                maxFactor = Math.Max(maxFactor, factor);
                margin = Math.Max(margin, oct.FftSize * factor);
            }
            return (int)Math.Ceiling(margin + 2 * 512 * maxFactor);
        }
    }

    /// <summary>Number of frames for an input of <paramref name="length"/> samples.</summary>
    public int FrameCount(int length)
    {
        int n = length;
        for (int i = 0; i < _earlyDownsample; i++) n = OctaveDecimator.OutputLength(n);
        int frames = int.MaxValue;
        foreach (var oct in _octaves)
        {
            frames = Math.Min(frames, 1 + n / oct.Hop);
            if (oct.DecimateAfter) n = OctaveDecimator.OutputLength(n);
        }
        return frames;
    }

    /// <summary>The magnitude transform of mono <paramref name="signal"/> at <see cref="ConstantQOptions.SampleRate"/>.</summary>
    public ConstantQSpectrogram Compute(ReadOnlySpan<float> signal, CancellationToken cancellationToken = default)
    {
        int frames = FrameCount(signal.Length);
        int nBins = _o.BinCount;
        var output = new float[nBins * frames];

        float[] current = signal.ToArray();
        for (int i = 0; i < _earlyDownsample; i++) current = OctaveDecimator.Default.Decimate(current);

        foreach (var oct in _octaves)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ApplyOctave(oct, current, output, frames);
            if (oct.DecimateAfter) current = OctaveDecimator.Default.Decimate(current);
        }
        return new ConstantQSpectrogram(output, nBins, frames, Frequencies, (double)_o.SampleRate / _o.HopLength, _o.BinsPerOctave);
    }

    private static void ApplyOctave(Octave oct, float[] y, float[] output, int frames)
    {
        int n = oct.FftSize, half = n / 2, bins = half + 1;
        var fft = new RealFft(n);
        var pool = ArrayPool<float>.Shared;
        var frame = pool.Rent(n);
        var spec = pool.Rent(2 * bins);
        var xr = pool.Rent(bins);
        var xi = pool.Rent(bins);
        try
        {
            var frameSpan = frame.AsSpan(0, n);
            for (int j = 0; j < frames; j++)
            {
                // Frame centred on sample j·hop, zero outside the signal (librosa pad_mode="constant").
                int start = j * oct.Hop - half;
                int a = Math.Max(0, start), b = Math.Min(y.Length, start + n);
                frameSpan.Clear();
                if (b > a) y.AsSpan(a, b - a).CopyTo(frameSpan[(a - start)..]);
                fft.Forward(frameSpan, spec.AsSpan(0, 2 * bins));
                for (int k = 0; k < bins; k++) { xr[k] = spec[2 * k]; xi[k] = spec[2 * k + 1]; }
                foreach (var kern in oct.Kernels)
                {
                    var r = xr.AsSpan(kern.Start, kern.Re.Length);
                    var im = xi.AsSpan(kern.Start, kern.Re.Length);
                    float re = TensorPrimitives.Dot(kern.Re, r) - TensorPrimitives.Dot(kern.Im, im);
                    float iv = TensorPrimitives.Dot(kern.Re, im) + TensorPrimitives.Dot(kern.Im, r);
                    output[kern.Bin * frames + j] = MathF.Sqrt(re * re + iv * iv);
                }
            }
        }
        finally
        {
            pool.Return(frame); pool.Return(spec); pool.Return(xr); pool.Return(xi);
        }
    }

    private bool NextOctaveFits(int topBinOfNext, double newRate, double alpha, double gamma)
    {
        double f = Frequencies[topBinOfNext];
        double lobeEdge = f + 2 * (alpha * f + gamma) / _o.FilterScale;
        return lobeEdge <= OctaveDecimator.PassbandFraction * newRate / 2;
    }

    private int KernelSize(int lo, double sr, double alpha, double gamma)
    {
        double maxLen = WaveletFilters.Length(Frequencies[lo], sr, alpha, gamma, _o.FilterScale);
        return (int)Math.Pow(2, Math.Ceiling(Math.Log2(maxLen)));
    }

    private SparseKernel[] BuildKernels(int lo, int hi, double sr, double alpha, double gamma)
    {
        int n = KernelSize(lo, sr, alpha, gamma);
        int bins = n / 2 + 1;
        var fft = new RealFft(n);
        var kernels = new SparseKernel[hi - lo];
        var re = new float[n];
        var im = new float[n];
        var specRe = new float[2 * bins];
        var specIm = new float[2 * bins];
        var fr = new double[bins];
        var fi = new double[bins];
        for (int b = lo; b < hi; b++)
        {
            double len = WaveletFilters.Length(Frequencies[b], sr, alpha, gamma, _o.FilterScale);
            var k = WaveletFilters.Kernel(Frequencies[b], sr, len);
            int kn = k.Length / 2, lpad = (n - kn) / 2; // librosa pad_center
            Array.Clear(re); Array.Clear(im);
            for (int t = 0; t < kn; t++) { re[lpad + t] = k[2 * t]; im[lpad + t] = k[2 * t + 1]; }
            // FFT of a complex sequence from two real FFTs: F(re + i·im) = F(re) + i·F(im).
            fft.Forward(re, specRe);
            fft.Forward(im, specIm);
            // Response = Σ_k B[k]·X[k] over k = 0 … n/2 ≈ n · (correlation with the kernel): rescale so a bin
            // gives L·|correlation| (librosa's lengths/n_fft renormalisation), then ÷√L when scaling.
            double lFull = Lengths[b];
            double gain = lFull / n / (_o.Scale ? Math.Sqrt(lFull) : 1);
            double l1 = 0;
            for (int q = 0; q < bins; q++)
            {
                fr[q] = (specRe[2 * q] - specIm[2 * q + 1]) * gain;
                fi[q] = (specRe[2 * q + 1] + specIm[2 * q]) * gain;
                l1 += Math.Sqrt(fr[q] * fr[q] + fi[q] * fi[q]);
            }
            kernels[b - lo] = SparseKernel.Sparsify(b, fr, fi, l1, _o.Sparsity);
        }
        return kernels;
    }

    private sealed record Octave(int Lo, int Hi, double SampleRate, int Hop, SparseKernel[] Kernels, int FftSize)
    {
        public bool DecimateAfter { get; init; }
    }

    /// <summary>One bin's frequency-domain kernel, kept only over the FFT bins that survive sparsification.</summary>
    private sealed record SparseKernel(int Bin, int Start, float[] Re, float[] Im)
    {
        /// <summary>
        /// librosa's <c>util.sparsify_rows</c>: drop the smallest-magnitude entries whose total is under
        /// <paramref name="quantile"/> of the row's L1 norm; keep the span from the first to the last survivor.
        /// </summary>
        public static SparseKernel Sparsify(int bin, double[] re, double[] im, double l1, double quantile)
        {
            int n = re.Length;
            var mags = new double[n];
            for (int q = 0; q < n; q++) mags[q] = Math.Sqrt(re[q] * re[q] + im[q] * im[q]);
            var sorted = (double[])mags.Clone();
            Array.Sort(sorted);
            double cum = 0, threshold = sorted[^1];
            for (int q = 0; q < n; q++)
            {
                cum += sorted[q] / l1;
                if (!(cum < quantile)) { threshold = sorted[q]; break; }
            }
            int first = n, last = -1;
            for (int q = 0; q < n; q++)
                if (mags[q] >= threshold) { first = Math.Min(first, q); last = q; }
            if (last < first) { first = 0; last = 0; }
            int len = last - first + 1;
            var r = new float[len];
            var i = new float[len];
            for (int q = 0; q < len; q++)
            {
                bool keep = mags[first + q] >= threshold;
                r[q] = keep ? (float)re[first + q] : 0f;
                i[q] = keep ? (float)im[first + q] : 0f;
            }
            return new SparseKernel(bin, first, r, i);
        }
    }
}
