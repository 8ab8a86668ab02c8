namespace Groove.Dsp;

/// <summary>
/// A magnitude CQT/VQT: <see cref="BinCount"/> rows (lowest frequency first) of <see cref="FrameCount"/> frames,
/// stored row-major in <see cref="Data"/> (librosa's <c>[n_bins, n_frames]</c> layout). Frame j is centred on
/// input sample j·hop.
/// </summary>
public sealed class ConstantQSpectrogram
{
    public ConstantQSpectrogram(float[] data, int binCount, int frameCount, double[] frequencies, double frameRate, int binsPerOctave)
    {
        if (data.Length != binCount * frameCount) throw new ArgumentException("Data size mismatch.", nameof(data));
        Data = data;
        BinCount = binCount;
        FrameCount = frameCount;
        Frequencies = frequencies;
        FrameRate = frameRate;
        BinsPerOctave = binsPerOctave;
    }

    /// <summary>Magnitudes, <c>Data[bin * FrameCount + frame]</c>.</summary>
    public float[] Data { get; }
    public int BinCount { get; }
    public int FrameCount { get; }
    /// <summary>Centre frequency of each bin (Hz).</summary>
    public double[] Frequencies { get; }
    /// <summary>Frames per second.</summary>
    public double FrameRate { get; }
    public int BinsPerOctave { get; }

    /// <summary>One bin across time.</summary>
    public Span<float> Row(int bin) => Data.AsSpan(bin * FrameCount, FrameCount);

    public float this[int bin, int frame] => Data[bin * FrameCount + frame];
}
