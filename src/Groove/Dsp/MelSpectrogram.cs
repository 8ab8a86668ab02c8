namespace Groove.Dsp;

/// <summary>
/// Mel spectrogram as <c>librosa.feature.melspectrogram</c> (STFT → |X|^power → mel filterbank) and its log
/// (<c>power_to_db</c>). Output is frame-major <c>[frames × mels]</c> (the transpose of librosa's layout).
/// Thread-safe and reusable for many signals.
/// </summary>
public sealed class MelSpectrogram
{
    public Stft Stft { get; }
    public MelFilterbank Filterbank { get; }
    /// <summary>Exponent of the magnitude before the filterbank (2: power, librosa's default; 1: magnitude).</summary>
    public float Power { get; }
    public int MelCount => Filterbank.MelCount;

    public MelSpectrogram(int sampleRate, int nFft = 2048, int hopLength = 512, int melCount = 128, double fMin = 0,
                          double? fMax = null, MelScale scale = MelScale.Slaney, MelNorm norm = MelNorm.Slaney,
                          float power = 2f, WindowKind window = WindowKind.Hann, bool center = true,
                          PadMode padMode = PadMode.Constant, Action<string>? onWarning = null)
        : this(new Stft(nFft, hopLength, null, window, center, padMode),
               new MelFilterbank(sampleRate, nFft, melCount, fMin, fMax, scale, norm, onWarning), power) { }

    public MelSpectrogram(Stft stft, MelFilterbank filterbank, float power = 2f)
    {
        if (stft.NFft != filterbank.NFft) throw new ArgumentException("The STFT and the filterbank must have the same n_fft.");
        if (!(power > 0)) throw new ArgumentOutOfRangeException(nameof(power), "power must be positive.");
        Stft = stft; Filterbank = filterbank; Power = power;
    }

    /// <summary>Frames for a signal of <paramref name="length"/> samples.</summary>
    public int FrameCount(int length) => Stft.FrameCount(length);

    /// <summary>Mel spectrogram <c>[frames × mels]</c>.</summary>
    public float[] Compute(ReadOnlySpan<float> signal)
    {
        int frames = Stft.FrameCount(signal.Length);
        if (frames == 0) return Stft.Spectrogram(signal, Power); // throws the STFT's message
        int mels = MelCount;
        var output = new float[(long)frames * mels];
        var spectrum = new float[Stft.Bins];
        Stft.Run(signal, frames, (t, re, im) =>
        {
            Stft.PowerOf(re, im, spectrum, Power);
            Filterbank.ApplyFrame(spectrum, output.AsSpan(t * mels, mels));
        });
        return output;
    }

    /// <summary>Log-mel spectrogram in dB, <c>[frames × mels]</c>: power_to_db of <see cref="Compute"/> (reference 1, amin 1e−10, top_db 80 as librosa's defaults).</summary>
    public float[] ComputeDb(ReadOnlySpan<float> signal, float reference = 1f, float amin = 1e-10f, float? topDb = 80f)
    {
        var mel = Compute(signal);
        Decibels.PowerToDb(mel, mel, reference, amin, topDb);
        return mel;
    }
}
