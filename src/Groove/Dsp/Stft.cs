using System.Buffers;
using System.Numerics.Tensors;

namespace Groove.Dsp;

/// <summary>
/// Short-time Fourier transform with librosa's conventions (<c>librosa.stft</c> / <c>librosa.istft</c>):
/// frame t covers samples [t·hop, t·hop + n_fft) of the signal, which with <see cref="Center"/> is first padded by
/// n_fft/2 on both sides (so frame t is centred on sample t·hop and there are 1 + len/hop frames); the window
/// (win_length samples, periodic, zero-padded to n_fft in the middle) multiplies each frame before a real FFT.
/// </summary>
/// <remarks>
/// <para><b>Layout</b>: every spectrogram here is <b>frame-major</b>, <c>[frames × bins]</c> row-major
/// (<c>s[t·bins + k]</c>), bins = n_fft/2 + 1. This is the transpose of librosa's <c>[bins, frames]</c>. Complex
/// spectra are <c>[frames × bins × 2]</c> with interleaved (re, im).</para>
/// <para>Instances are immutable and thread-safe; scratch comes from <see cref="ArrayPool{T}.Shared"/>.</para>
/// </remarks>
public sealed class Stft
{
    /// <summary>FFT size (samples per frame).</summary>
    public int NFft { get; }
    /// <summary>Samples between frame starts.</summary>
    public int HopLength { get; }
    /// <summary>Length of the window before zero-padding to <see cref="NFft"/>.</summary>
    public int WinLength { get; }
    /// <summary>Whether frames are centred (the signal is padded by n_fft/2 on both sides).</summary>
    public bool Center { get; }
    /// <summary>Padding used when <see cref="Center"/> is set.</summary>
    public PadMode PadMode { get; }
    /// <summary>Frequency bins per frame: n_fft/2 + 1.</summary>
    public int Bins => NFft / 2 + 1;

    private readonly float[] _window;   // NFft samples, zero-padded
    private readonly RealFft _fft;

    /// <summary>The analysis window, zero-padded to <see cref="NFft"/> samples.</summary>
    public ReadOnlySpan<float> WindowSamples => _window;

    /// <param name="nFft">FFT size.</param>
    /// <param name="hopLength">Hop in samples (default win_length/4).</param>
    /// <param name="winLength">Window length ≤ n_fft (default n_fft).</param>
    /// <param name="window">Window shape (periodic, as scipy's get_window with fftbins=True).</param>
    /// <param name="center">Centre frames on t·hop by padding n_fft/2 on both sides.</param>
    /// <param name="padMode">How to pad when centring.</param>
    public Stft(int nFft = 2048, int? hopLength = null, int? winLength = null, WindowKind window = WindowKind.Hann,
                bool center = true, PadMode padMode = PadMode.Constant)
        : this(nFft, hopLength, Window.Create(window, winLength ?? nFft), center, padMode) { }

    /// <summary>An STFT with a custom window (its length is win_length, at most n_fft).</summary>
    public Stft(int nFft, int? hopLength, ReadOnlySpan<float> window, bool center = true, PadMode padMode = PadMode.Constant)
    {
        if (nFft < 1) throw new ArgumentOutOfRangeException(nameof(nFft), "n_fft must be at least 1.");
        if (window.Length < 1 || window.Length > nFft)
            throw new ArgumentOutOfRangeException(nameof(window), $"win_length must be in 1..n_fft ({nFft}), not {window.Length}.");
        int hop = hopLength ?? Math.Max(1, window.Length / 4);
        if (hop < 1) throw new ArgumentOutOfRangeException(nameof(hopLength), "hop_length must be at least 1.");
        NFft = nFft;
        HopLength = hop;
        WinLength = window.Length;
        Center = center;
        PadMode = padMode;
        _window = Window.PadCenter(window, nFft);
        _fft = new RealFft(nFft);
    }

    /// <summary>Frames for a signal of <paramref name="length"/> samples (0 when it is too short for one uncentred frame).</summary>
    public int FrameCount(int length)
    {
        long padded = Center ? length + 2L * (NFft / 2) : length;
        if (length < 1 || padded < NFft) return 0;
        return (int)(1 + (padded - NFft) / HopLength);
    }

    /// <summary>Complex STFT: <c>[frames × bins × 2]</c>, interleaved (re, im).</summary>
    public float[] Forward(ReadOnlySpan<float> signal)
    {
        int frames = RequireFrames(signal.Length), bins = Bins;
        var output = new float[(long)frames * bins * 2];
        Run(signal, frames, (t, re, im) => RealFft.Interleave(re, im, output.AsSpan(t * 2 * bins, 2 * bins)));
        return output;
    }

    /// <summary>Magnitude spectrogram |X| as <c>[frames × bins]</c>.</summary>
    public float[] Magnitude(ReadOnlySpan<float> signal) => Spectrogram(signal, 1f);

    /// <summary>Power spectrogram |X|² as <c>[frames × bins]</c>.</summary>
    public float[] Power(ReadOnlySpan<float> signal) => Spectrogram(signal, 2f);

    /// <summary>|X|^power as <c>[frames × bins]</c> (librosa's <c>power</c> argument: 1 magnitude, 2 power).</summary>
    public float[] Spectrogram(ReadOnlySpan<float> signal, float power)
    {
        if (!(power > 0)) throw new ArgumentOutOfRangeException(nameof(power), "power must be positive.");
        int frames = RequireFrames(signal.Length), bins = Bins;
        var output = new float[(long)frames * bins];
        Run(signal, frames, (t, re, im) => PowerOf(re, im, output.AsSpan(t * bins, bins), power));
        return output;
    }

    /// <summary>dst = (re² + im²)^(power/2).</summary>
    internal static void PowerOf(ReadOnlySpan<float> re, ReadOnlySpan<float> im, Span<float> dst, float power)
    {
        TensorPrimitives.Multiply(re, re, dst);
        TensorPrimitives.MultiplyAdd(im, im, dst, dst);
        if (power == 2f) return;
        if (power == 1f) TensorPrimitives.Sqrt(dst, dst);
        else TensorPrimitives.Pow(dst, power / 2, dst);
    }

    internal delegate void FrameSink(int frame, Span<float> re, Span<float> im);

    /// <summary>Windows and transforms each frame, handing its split spectrum (Bins floats each) to <paramref name="sink"/>.</summary>
    internal void Run(ReadOnlySpan<float> signal, int frames, FrameSink sink)
    {
        int n = NFft, bins = Bins;
        int scratchLen = _fft.SplitScratchLength;
        var rent = ArrayPool<float>.Shared.Rent(n + 2 * bins + scratchLen);
        try
        {
            var buf = rent.AsSpan(0, n + 2 * bins + scratchLen);
            var frame = buf[..n];
            var re = buf.Slice(n, bins);
            var im = buf.Slice(n + bins, bins);
            var scratch = buf.Slice(n + 2 * bins, scratchLen);
            int pad = Center ? n / 2 : 0;
            for (int t = 0; t < frames; t++)
            {
                long start = (long)t * HopLength - pad;
                if (start >= 0 && start + n <= signal.Length)
                    TensorPrimitives.Multiply(signal.Slice((int)start, n), _window, frame);
                else
                {
                    for (int j = 0; j < n; j++) frame[j] = PaddedSample(signal, start + j) * _window[j];
                }
                _fft.ForwardSplit(frame, re, im, scratch);
                sink(t, re, im);
            }
        }
        finally { ArrayPool<float>.Shared.Return(rent); }
    }

    /// <summary>The sample at index <paramref name="i"/> of the signal extended by <see cref="PadMode"/>.</summary>
    private float PaddedSample(ReadOnlySpan<float> x, long i)
    {
        int len = x.Length;
        if (i >= 0 && i < len) return x[(int)i];
        switch (PadMode)
        {
            case PadMode.Constant: return 0f;
            case PadMode.Edge: return i < 0 ? x[0] : x[len - 1];
            default:
                if (len == 1) return x[0];
                long period = 2L * (len - 1);
                long r = ((i % period) + period) % period;
                return x[(int)(r < len ? r : period - r)];
        }
    }

    private int RequireFrames(int length)
    {
        int frames = FrameCount(length);
        if (frames == 0)
            throw new GrooveException(length == 0
                ? "the signal is empty"
                : $"the signal ({length} samples) is shorter than one frame (n_fft = {NFft}) and center is off");
        return frames;
    }

    /// <summary>
    /// Inverse STFT (librosa.istft): inverse FFT of each frame, multiplied by the window, overlap-added and divided by
    /// the overlap-added squared window where that sum is above float32's smallest normal. With
    /// <paramref name="length"/> the output is trimmed or zero-padded to it; otherwise it has
    /// n_fft + hop·(frames−1) samples, less n_fft/2 at both ends when centred.
    /// </summary>
    /// <param name="spectrum">Complex STFT <c>[frames × bins × 2]</c> as <see cref="Forward"/> returns.</param>
    /// <param name="length">Output length in samples (e.g. the original signal's).</param>
    public float[] Inverse(ReadOnlySpan<float> spectrum, int? length = null)
    {
        int n = NFft, bins = Bins, hop = HopLength;
        if (spectrum.Length % (2 * bins) != 0)
            throw new ArgumentException($"Spectrum length {spectrum.Length} is not a multiple of 2·bins ({2 * bins}).", nameof(spectrum));
        if (length is < 0) throw new ArgumentOutOfRangeException(nameof(length));
        int frames = spectrum.Length / (2 * bins);
        int start = Center ? n / 2 : 0;
        if (length is { } want)
        {
            // Frames beyond the requested length contribute nothing (librosa trims them the same way).
            long padded = Center ? want + 2L * (n / 2) : want;
            frames = (int)Math.Min(frames, (padded + hop - 1) / hop);
        }
        int outLen = length ?? Math.Max(0, n + hop * (frames - 1) - 2 * start);
        var output = new float[outLen];
        if (frames == 0) return output;
        long full = n + (long)hop * (frames - 1);
        var y = new float[full];
        var wss = new float[full];
        var sq = new float[n];
        TensorPrimitives.Multiply(_window, _window, sq);
        int scratchLen = _fft.SplitScratchLength;
        var rent = ArrayPool<float>.Shared.Rent(n + 2 * bins + scratchLen);
        try
        {
            var buf = rent.AsSpan(0, n + 2 * bins + scratchLen);
            var frame = buf[..n];
            var re = buf.Slice(n, bins);
            var im = buf.Slice(n + bins, bins);
            var scratch = buf.Slice(n + 2 * bins, scratchLen);
            for (int t = 0; t < frames; t++)
            {
                RealFft.Deinterleave(spectrum.Slice(t * 2 * bins, 2 * bins), re, im);
                _fft.InverseSplit(re, im, frame, scratch);
                var dst = y.AsSpan(t * hop, n);
                TensorPrimitives.MultiplyAdd(frame, _window, dst, dst);
                var w = wss.AsSpan(t * hop, n);
                TensorPrimitives.Add(w, sq, w);
            }
        }
        finally { ArrayPool<float>.Shared.Return(rent); }
        const float tiny = 1.17549435e-38f; // numpy.finfo(float32).tiny
        int copy = (int)Math.Min(outLen, full - start);
        for (int i = 0; i < copy; i++)
        {
            float s = wss[start + i];
            output[i] = s > tiny ? y[start + i] / s : y[start + i];
        }
        return output;
    }
}
