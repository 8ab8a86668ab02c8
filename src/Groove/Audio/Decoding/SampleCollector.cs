using System.Buffers;
using System.Numerics.Tensors;

namespace Groove.Audio.Decoding;

/// <summary>
/// Receives interleaved blocks from a decoder and turns them into the requested <see cref="AudioBuffer"/>: checks
/// every sample is finite, tracks the peak, enforces the duration limit, selects channels, mixes down to mono and
/// resamples, block by block. With <c>keep: false</c> it only measures (peak, length) and keeps nothing.
/// </summary>
internal sealed class SampleCollector
{
    private readonly string _name;
    private readonly int _sourceChannels;
    private readonly int _sourceRate;
    private readonly int[] _selected;
    private readonly bool _mono;
    private readonly bool _keep;
    private readonly long _maxFrames;
    private readonly TimeSpan _maxDuration;
    private readonly Resampler[]? _resamplers;
    private readonly FloatAccumulator[] _outputs;
    private readonly int _outputRate;

    /// <summary>Frames received from the decoder.</summary>
    public long SourceFrames { get; private set; }

    /// <summary>Largest absolute sample received.</summary>
    public float Peak { get; private set; }

    public SampleCollector(string name, AudioFileInfo info, AudioLoadOptions options, bool keep)
    {
        _name = name;
        _sourceChannels = info.Channels;
        _sourceRate = info.SampleRate;
        _keep = keep;
        if (options.MaxDuration <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(options), "MaxDuration must be positive");
        _maxDuration = options.MaxDuration;
        _maxFrames = keep ? (long)Math.Min(long.MaxValue / 2, Math.Ceiling(options.MaxDuration.TotalSeconds * info.SampleRate)) : long.MaxValue;
        if (options.Channels is { } chosen)
        {
            if (chosen.Count == 0) throw new ArgumentException("Channels must name at least one channel (or be null for all)", nameof(options));
            foreach (var c in chosen)
                if (c < 0 || c >= info.Channels)
                    throw new GrooveException($"{name}: has {info.Channels} channel(s); there is no channel {c} (channels are numbered from 0)");
            _selected = [.. chosen];
        }
        else
        {
            _selected = [.. Enumerable.Range(0, info.Channels)];
        }
        _mono = options.Mono && _selected.Length > 1;
        int outChannels = _mono ? 1 : _selected.Length;
        _outputRate = options.SampleRate ?? info.SampleRate;
        if (_outputRate <= 0) throw new ArgumentOutOfRangeException(nameof(options), "SampleRate must be positive");
        if (keep && _outputRate != info.SampleRate)
        {
            var filter = ResamplingFilter.ForRates(info.SampleRate, _outputRate, options.ResampleQuality);
            _resamplers = new Resampler[outChannels];
            for (int c = 0; c < outChannels; c++) _resamplers[c] = new Resampler(filter);
        }
        // Size the output from the header's duration (exact for WAV) so it is usually filled without copying.
        long expected = 0;
        if (keep && info.Duration is { } seconds && seconds <= options.MaxDuration.TotalSeconds * 1.02 + 1)
            expected = (long)Math.Ceiling(Math.Round(seconds * info.SampleRate) * _outputRate / (double)info.SampleRate);
        _outputs = new FloatAccumulator[keep ? outChannels : 0];
        for (int c = 0; c < _outputs.Length; c++) _outputs[c] = new FloatAccumulator(expected);
    }

    /// <summary>Takes <paramref name="frames"/> interleaved frames.</summary>
    public void Add(ReadOnlySpan<float> interleaved, int frames)
    {
        if (frames == 0) return;
        var block = interleaved[..(frames * _sourceChannels)];
        // MaxMagnitude returns the signed value of largest magnitude: take its absolute value.
        float peak = Math.Abs(TensorPrimitives.MaxMagnitude(block));
        if (!float.IsFinite(peak))
        {
            int at = 0;
            while (at < block.Length && float.IsFinite(block[at])) at++;
            double t = (SourceFrames + at / _sourceChannels) / (double)_sourceRate;
            throw new GrooveException($"{_name}: contains NaN or infinite samples (first at {t:F3} s); the file is damaged");
        }
        if (peak > Peak) Peak = peak;
        SourceFrames += frames;
        if (SourceFrames > _maxFrames) throw TooLong(null);
        if (!_keep) return;

        float[] channel = ArrayPool<float>.Shared.Rent(frames);
        float[]? resampled = _resamplers is null ? null : ArrayPool<float>.Shared.Rent(_resamplers[0].MaxOutputLength(frames));
        try
        {
            var ch = channel.AsSpan(0, frames);
            if (_mono)
            {
                ch.Clear();
                foreach (int c in _selected)
                    for (int i = 0, k = c; i < frames; i++, k += _sourceChannels) ch[i] += block[k];
                TensorPrimitives.Multiply(ch, 1f / _selected.Length, ch);
                Emit(0, ch, resampled);
            }
            else
            {
                for (int o = 0; o < _selected.Length; o++)
                {
                    if (_sourceChannels == 1) block.CopyTo(ch);
                    else
                        for (int i = 0, k = _selected[o]; i < frames; i++, k += _sourceChannels) ch[i] = block[k];
                    Emit(o, ch, resampled);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(channel);
            if (resampled is not null) ArrayPool<float>.Shared.Return(resampled);
        }
    }

    private void Emit(int output, ReadOnlySpan<float> samples, float[]? scratch)
    {
        if (_resamplers is null)
        {
            _outputs[output].Append(samples);
            return;
        }
        int n = _resamplers[output].Process(samples, scratch);
        _outputs[output].Append(scratch.AsSpan(0, n));
    }

    /// <summary>The error for an input longer than the limit (<paramref name="seconds"/>: its known length, if any).</summary>
    public AudioTooLongException TooLong(double? seconds) => new(
        $"{_name}: {(seconds is { } s ? $"is {FormatDuration(s)} long" : $"is longer than {FormatDuration(_maxDuration.TotalSeconds)}")}, " +
        $"over the {FormatDuration(_maxDuration.TotalSeconds)} limit on one file's length", _maxDuration);

    /// <summary>Flushes the resamplers and returns the collected audio.</summary>
    public AudioBuffer Finish()
    {
        if (!_keep) throw new InvalidOperationException("this collector keeps no samples");
        var channels = new float[_outputs.Length][];
        for (int c = 0; c < channels.Length; c++)
        {
            if (_resamplers is not null) _outputs[c].Append(_resamplers[c].Flush());
            channels[c] = _outputs[c].ToArrayAndClear();
        }
        return new AudioBuffer(channels, _outputRate);
    }

    internal static string FormatDuration(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}" : $"{t.Minutes}:{t.Seconds:D2}";
    }
}
