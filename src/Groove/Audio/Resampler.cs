using System.Numerics.Tensors;

namespace Groove.Audio;

/// <summary>
/// Band-limited sample-rate conversion of one channel with a Kaiser-windowed sinc filter, for any ratio: rational
/// ratios (44100 → 22050, 44100 → 48000) use an exact polyphase table, others (including irrational ones) interpolate
/// between the rows of a finely sampled one. Streaming: feed blocks to <see cref="Process"/>, then call
/// <see cref="Flush"/> once; the output is aligned with the input (no delay): output sample n is the band-limited
/// input at time n / <see cref="Ratio"/>, and a signal of N samples becomes ceil(N × ratio) samples.
/// </summary>
/// <example><code>float[] y = Resampler.Resample(x, 44100, 22050);</code></example>
public sealed class Resampler
{
    private readonly ResamplingFilter _filter;
    private float[] _buffer;
    private int _count;          // valid samples in _buffer
    private long _bufferStart;   // absolute input index of _buffer[0] (negative indices are the zero history)
    private long _inputCount;
    private long _outputCount;
    private bool _flushed;

    /// <summary>A resampler from <paramref name="inputRate"/> to <paramref name="outputRate"/> (samples per second).</summary>
    public Resampler(int inputRate, int outputRate, ResampleQuality quality = ResampleQuality.High)
        : this(ResamplingFilter.ForRates(inputRate, outputRate, quality)) { }

    /// <summary>A resampler by an arbitrary ratio (output rate / input rate), rational or not.</summary>
    public Resampler(double ratio, ResampleQuality quality = ResampleQuality.High)
        : this(ResamplingFilter.ForRatio(ratio, quality)) { }

    /// <summary>A resampler sharing an existing (immutable) filter table, e.g. one per channel.</summary>
    internal Resampler(ResamplingFilter filter)
    {
        _filter = filter;
        _buffer = new float[Math.Max(4096, 4 * filter.Taps)];
        _count = filter.HalfTaps - 1;          // zeros before the first input sample
        _bufferStart = -_count;
    }

    /// <summary>Output rate / input rate.</summary>
    public double Ratio => _filter.Ratio;

    /// <summary>Filter taps per output sample (a measure of cost).</summary>
    public int FilterLength => _filter.Taps;

    /// <summary>An output span of this length always has room for what <see cref="Process"/> returns for that input.</summary>
    public int MaxOutputLength(int inputLength) => (int)Math.Ceiling(inputLength * Ratio) + 2;

    /// <summary>
    /// Consumes <paramref name="input"/> and writes the output samples that are now complete; returns how many.
    /// Outputs that do not fit in <paramref name="output"/> are kept for the next call.
    /// </summary>
    public int Process(ReadOnlySpan<float> input, Span<float> output)
    {
        if (_flushed) throw new InvalidOperationException("Process after Flush");
        Append(input);
        _inputCount += input.Length;
        return Produce(output, long.MaxValue);
    }

    /// <summary>Ends the stream: returns the remaining output samples (the input is taken as zero after its end).</summary>
    public float[] Flush()
    {
        if (_flushed) return [];
        _flushed = true;
        long total = TotalOutput(_inputCount);
        if (total <= _outputCount) return [];
        var (lastBase, _) = Position(total - 1);
        long needed = lastBase + _filter.HalfTaps - (_bufferStart + _count - 1);
        if (needed > 0) Append(new float[needed]);
        var rest = new float[total - _outputCount];
        int n = Produce(rest, total);
        return n == rest.Length ? rest : rest[..n];
    }

    /// <summary>Resamples a whole signal from <paramref name="inputRate"/> to <paramref name="outputRate"/>.</summary>
    public static float[] Resample(ReadOnlySpan<float> input, int inputRate, int outputRate, ResampleQuality quality = ResampleQuality.High)
    {
        if (inputRate == outputRate) return input.ToArray();
        return new Resampler(inputRate, outputRate, quality).RunWhole(input);
    }

    /// <summary>Resamples a whole signal by <paramref name="ratio"/> (output rate / input rate).</summary>
    public static float[] Resample(ReadOnlySpan<float> input, double ratio, ResampleQuality quality = ResampleQuality.High) =>
        new Resampler(ratio, quality).RunWhole(input);

    /// <summary>Resamples every channel of <paramref name="audio"/> to <paramref name="outputRate"/>.</summary>
    public static AudioBuffer Resample(AudioBuffer audio, int outputRate, ResampleQuality quality = ResampleQuality.High)
    {
        ArgumentNullException.ThrowIfNull(audio);
        if (audio.SampleRate == outputRate) return audio;
        var channels = new float[audio.ChannelCount][];
        Parallel.For(0, channels.Length, c => channels[c] = Resample(audio.Channels[c], audio.SampleRate, outputRate, quality));
        return new AudioBuffer(channels, outputRate);
    }

    private float[] RunWhole(ReadOnlySpan<float> input)
    {
        var output = new float[TotalOutput(input.Length)];
        int n = 0;
        const int block = 1 << 16;
        for (int i = 0; i < input.Length; i += block)
            n += Process(input.Slice(i, Math.Min(block, input.Length - i)), output.AsSpan(n));
        var rest = Flush();
        rest.CopyTo(output.AsSpan(n));
        return output;
    }

    private long TotalOutput(long inputCount) => _filter.L > 0
        ? (inputCount * _filter.L + _filter.M - 1) / _filter.M
        : (long)Math.Ceiling(inputCount * _filter.Ratio - 1e-9);

    /// <summary>The last input index at or before output n's time, and how far past it (in [0, 1)) the output lies.</summary>
    private (long Base, double Frac) Position(long n)
    {
        if (_filter.L > 0)
        {
            long num = n * _filter.M;
            long b = num / _filter.L;
            return (b, (double)(num - b * _filter.L) / _filter.L);
        }
        double t = n * (1 / _filter.Ratio);
        double fb = Math.Floor(t);
        return ((long)fb, t - fb);
    }

    private int Produce(Span<float> output, long limit)
    {
        var f = _filter;
        int half = f.HalfTaps, taps = f.Taps, phases = f.Phases;
        float[] table = f.Table;
        long available = _bufferStart + _count - 1;   // last input index held
        long n = _outputCount;
        long end = Math.Min(limit, n + output.Length);
        int written = 0;
        if (f.L > 0)
        {
            // Rational ratio: step the position (base + r/L) by M/L without dividing per sample.
            long l = f.L, stepBase = f.M / l, stepRem = f.M % l;
            long num = n * f.M, b = num / l, r = num - b * l;
            for (; n < end && b + half <= available; n++)
            {
                var window = new ReadOnlySpan<float>(_buffer, (int)(b - half + 1 - _bufferStart), taps);
                if (f.Exact)
                {
                    output[written++] = TensorPrimitives.Dot(window, new ReadOnlySpan<float>(table, (int)r * taps, taps));
                }
                else
                {
                    double pos = (double)r / l * phases;
                    int row = Math.Min((int)pos, phases - 1);
                    output[written++] = Interpolate(window, table, row, taps, (float)(pos - row));
                }
                b += stepBase;
                r += stepRem;
                if (r >= l) { r -= l; b++; }
            }
        }
        else
        {
            double step = 1 / f.Ratio;
            for (; n < end; n++)
            {
                double t = n * step;
                double fb = Math.Floor(t);
                long b = (long)fb;
                if (b + half > available) break;
                var window = new ReadOnlySpan<float>(_buffer, (int)(b - half + 1 - _bufferStart), taps);
                double pos = (t - fb) * phases;
                int row = Math.Min((int)pos, phases - 1);
                output[written++] = Interpolate(window, table, row, taps, (float)(pos - row));
            }
        }
        _outputCount = n;
        return written;
    }

    private static float Interpolate(ReadOnlySpan<float> window, float[] table, int row, int taps, float w)
    {
        float a = TensorPrimitives.Dot(window, new ReadOnlySpan<float>(table, row * taps, taps));
        float c = TensorPrimitives.Dot(window, new ReadOnlySpan<float>(table, (row + 1) * taps, taps));
        return a + w * (c - a);
    }

    private void Append(ReadOnlySpan<float> input)
    {
        // Drop history the next output no longer needs.
        var (b, _) = Position(_outputCount);
        long keepFrom = Math.Min(b - _filter.HalfTaps + 1, _bufferStart + _count);
        int drop = (int)Math.Max(0, keepFrom - _bufferStart);
        if (drop > 0)
        {
            _buffer.AsSpan(drop, _count - drop).CopyTo(_buffer);
            _count -= drop;
            _bufferStart += drop;
        }
        if (_count + input.Length > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _count + input.Length));
        input.CopyTo(_buffer.AsSpan(_count));
        _count += input.Length;
    }
}
