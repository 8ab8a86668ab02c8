namespace Groove;

/// <summary>
/// Decoded audio: one float array per channel (planar), samples nominally in [-1, 1].
/// </summary>
public sealed class AudioBuffer
{
    /// <summary>Planar samples: <c>Channels[c][i]</c>. All channels have the same length.</summary>
    public float[][] Channels { get; }

    /// <summary>Samples per second.</summary>
    public int SampleRate { get; }

    public AudioBuffer(float[][] channels, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(channels);
        if (channels.Length == 0) throw new ArgumentException("At least one channel is required.", nameof(channels));
        if (sampleRate <= 0) throw new ArgumentOutOfRangeException(nameof(sampleRate));
        int n = channels[0].Length;
        foreach (var c in channels)
            if (c.Length != n) throw new ArgumentException("All channels must have the same length.", nameof(channels));
        Channels = channels;
        SampleRate = sampleRate;
    }

    /// <summary>A mono buffer wrapping <paramref name="samples"/> (not copied).</summary>
    public static AudioBuffer FromMono(float[] samples, int sampleRate) => new([samples], sampleRate);

    public int ChannelCount => Channels.Length;

    /// <summary>Samples per channel.</summary>
    public int Length => Channels[0].Length;

    public double Duration => (double)Length / SampleRate;

    /// <summary>The average of all channels (the channel itself, not a copy, when there is one).</summary>
    public float[] Mono()
    {
        if (Channels.Length == 1) return Channels[0];
        var mono = new float[Length];
        foreach (var c in Channels)
            System.Numerics.Tensors.TensorPrimitives.Add(mono, c, mono);
        System.Numerics.Tensors.TensorPrimitives.Multiply(mono, 1f / Channels.Length, mono);
        return mono;
    }

    /// <summary>A buffer with only the given channels (0-based, in this order); the arrays are shared, not copied.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A channel that does not exist.</exception>
    public AudioBuffer SelectChannels(params ReadOnlySpan<int> channels)
    {
        if (channels.IsEmpty) throw new ArgumentException("Select at least one channel.", nameof(channels));
        var chosen = new float[channels.Length][];
        for (int i = 0; i < channels.Length; i++)
        {
            if ((uint)channels[i] >= (uint)Channels.Length)
                throw new ArgumentOutOfRangeException(nameof(channels), $"channel {channels[i]} does not exist (the buffer has {Channels.Length})");
            chosen[i] = Channels[channels[i]];
        }
        return new AudioBuffer(chosen, SampleRate);
    }
}
