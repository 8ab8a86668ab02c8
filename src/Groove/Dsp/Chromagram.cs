namespace Groove.Dsp;

/// <summary>How each chroma frame is normalised (librosa's <c>norm</c>: <c>np.inf</c>, 1, 2 or None).</summary>
public enum ChromaNorm { None, Max, L1, L2 }

/// <summary>
/// Pitch-class energy over time: <see cref="ChromaCount"/> rows (C first, as librosa's <c>base_c=True</c>) of
/// <see cref="FrameCount"/> frames, row-major in <see cref="Data"/> (librosa's <c>[n_chroma, n_frames]</c>).
/// </summary>
public sealed class Chromagram
{
    public Chromagram(float[] data, int chromaCount, int frameCount, double frameRate)
    {
        if (data.Length != chromaCount * frameCount) throw new ArgumentException("Data size mismatch.", nameof(data));
        Data = data;
        ChromaCount = chromaCount;
        FrameCount = frameCount;
        FrameRate = frameRate;
    }

    /// <summary>Values, <c>Data[chroma * FrameCount + frame]</c>.</summary>
    public float[] Data { get; }
    public int ChromaCount { get; }
    public int FrameCount { get; }
    public double FrameRate { get; }

    public float this[int chroma, int frame] => Data[chroma * FrameCount + frame];

    /// <summary>
    /// librosa's <c>chroma_cqt</c> folding: with b = bins_per_octave / n_chroma CQT bins per chroma, chroma c sums the
    /// b bins centred on its pitch in every octave (librosa's <c>filters.cq_to_chroma</c>, which rolls the fold so
    /// that the lowest bin's pitch class — rounded MIDI number of its frequency — lands on its chroma), then
    /// zeroes values below <paramref name="threshold"/> and normalises each frame.
    /// </summary>
    public static Chromagram FromConstantQ(ConstantQSpectrogram cqt, int chromaCount = 12, ChromaNorm norm = ChromaNorm.Max, float threshold = 0f)
    {
        ArgumentNullException.ThrowIfNull(cqt);
        int bpo = cqt.BinsPerOctave;
        if (chromaCount <= 0 || bpo % chromaCount != 0)
            throw new ArgumentException($"bins per octave ({bpo}) must be a multiple of the chroma count ({chromaCount})");
        int merge = bpo / chromaCount;
        double midi0 = 69 + 12 * Math.Log2(cqt.Frequencies[0] / 440.0);
        double pc0 = midi0 - 12 * Math.Floor(midi0 / 12); // np.mod(hz_to_midi(fmin), 12)
        int roll = (int)Math.Round(pc0 * chromaCount / 12.0, MidpointRounding.ToEven);
        int frames = cqt.FrameCount;
        var data = new float[chromaCount * frames];
        for (int bin = 0; bin < cqt.BinCount; bin++)
        {
            // Bin (within the octave) q belongs to chroma floor((q + merge/2) / merge), then rolled by the first bin's pitch class.
            int q = bin % bpo;
            int c = ((q + merge / 2) / merge) % chromaCount;
            c = (c + roll) % chromaCount;
            System.Numerics.Tensors.TensorPrimitives.Add(data.AsSpan(c * frames, frames), cqt.Row(bin), data.AsSpan(c * frames, frames));
        }
        var chroma = new Chromagram(data, chromaCount, frames, cqt.FrameRate);
        chroma.ThresholdAndNormalize(threshold, norm);
        return chroma;
    }

    /// <summary>
    /// librosa's <c>chroma_stft</c> from a spectrogram: <paramref name="spectrogram"/> is frame-major
    /// (<c>[frames, n_fft/2 + 1]</c>, as <see cref="Stft"/> returns), normally the power |X|² as librosa uses; the
    /// filterbank is <see cref="ChromaFilterbank.Create"/>'s, each frame normalised by <paramref name="norm"/>.
    /// </summary>
    public static Chromagram FromSpectrogram(ReadOnlySpan<float> spectrogram, int frameCount, int sampleRate, int fftSize,
        double frameRate, double tuning = 0, int chromaCount = 12, ChromaNorm norm = ChromaNorm.Max)
    {
        int bins = fftSize / 2 + 1;
        if (spectrogram.Length != bins * frameCount) throw new ArgumentException("spectrogram must hold frames·(n_fft/2 + 1) values", nameof(spectrogram));
        var fb = ChromaFilterbank.Create(sampleRate, fftSize, chromaCount, tuning);
        var data = new float[chromaCount * frameCount];
        for (int t = 0; t < frameCount; t++)
        {
            var frame = spectrogram.Slice(t * bins, bins);
            for (int c = 0; c < chromaCount; c++)
                data[c * frameCount + t] = System.Numerics.Tensors.TensorPrimitives.Dot(fb.AsSpan(c * bins, bins), frame);
        }
        var chroma = new Chromagram(data, chromaCount, frameCount, frameRate);
        chroma.ThresholdAndNormalize(0f, norm);
        return chroma;
    }

    /// <summary>
    /// librosa's <c>chroma_stft(y, sr)</c> with its defaults: power STFT (n_fft 2048, hop 512, Hann, centred), tuning
    /// estimated (<see cref="TuningEstimator"/>) unless given, max-normalised frames.
    /// </summary>
    public static Chromagram FromSignal(ReadOnlySpan<float> signal, int sampleRate, int fftSize = 2048, int hopLength = 512,
        double? tuning = null, ChromaNorm norm = ChromaNorm.Max)
    {
        double tun = tuning ?? TuningEstimator.Estimate(signal, sampleRate, 12);
        var stft = new Stft(fftSize, hopLength);
        var power = signal.Length == 0 ? [] : stft.Power(signal);
        int frames = power.Length / stft.Bins;
        return FromSpectrogram(power, frames, sampleRate, fftSize, (double)sampleRate / hopLength, tun, 12, norm);
    }

    /// <summary>Average of each chroma row over frames [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public float[] Mean(int start = 0, int end = -1)
    {
        if (end < 0) end = FrameCount;
        var m = new float[ChromaCount];
        if (end <= start) return m;
        for (int c = 0; c < ChromaCount; c++)
            m[c] = System.Numerics.Tensors.TensorPrimitives.Sum(Data.AsSpan(c * FrameCount + start, end - start)) / (end - start);
        return m;
    }

    private void ThresholdAndNormalize(float threshold, ChromaNorm norm)
    {
        int frames = FrameCount, nc = ChromaCount;
        for (int j = 0; j < frames; j++)
        {
            double acc = 0;
            for (int c = 0; c < nc; c++)
            {
                ref float v = ref Data[c * frames + j];
                if (v < threshold) v = 0;
                acc = norm switch
                {
                    ChromaNorm.Max => Math.Max(acc, Math.Abs(v)),
                    ChromaNorm.L1 => acc + Math.Abs(v),
                    ChromaNorm.L2 => acc + (double)v * v,
                    _ => acc,
                };
            }
            if (norm == ChromaNorm.None) continue;
            if (norm == ChromaNorm.L2) acc = Math.Sqrt(acc);
            // librosa's util.normalize leaves frames whose norm is below the float tiny value untouched.
            if (acc < 1e-30) continue;
            float inv = (float)(1.0 / acc);
            for (int c = 0; c < nc; c++) Data[c * frames + j] *= inv;
        }
    }
}
