using Groove.Audio;
using Groove.Dsp;

namespace Groove.Rhythm.Learned;

/// <summary>
/// Input features of the learned beat-activation models: a log-magnitude mel spectrogram (81 bands, 30 Hz – 11 kHz,
/// 2048-sample Hann window at 22.05 kHz), log(1 + x) compressed as in Böck et al.'s beat trackers, then standardised
/// per band over the track so that a recording's gain does not matter. Frame-major <c>[frames × bands]</c>.
/// Thread-safe.
/// </summary>
public sealed class BeatFeatures : IBeatFeatureExtractor
{
    /// <summary>Sample rate the audio is resampled to before analysis.</summary>
    public const int SampleRate = SampleRates.Analysis;

    private readonly MelSpectrogram _mel;

    /// <param name="framesPerSecond">Frame rate; 50 or 100 fps are usual (the hop is <c>22050 / fps</c> samples).</param>
    /// <param name="bands">Number of mel bands.</param>
    public BeatFeatures(int framesPerSecond = 50, int bands = 81)
        : this(framesPerSecond > 0 && SampleRate % framesPerSecond == 0 ? SampleRate / framesPerSecond
            : throw new ArgumentOutOfRangeException(nameof(framesPerSecond), "frames per second must divide 22050"), bands, true)
    {
    }

    private BeatFeatures(int hop, int bands, bool _)
    {
        if (hop <= 0) throw new ArgumentOutOfRangeException(nameof(hop));
        if (bands <= 0) throw new ArgumentOutOfRangeException(nameof(bands));
        Hop = hop;
        FramesPerSecond = (double)SampleRate / hop;
        Bands = bands;
        _mel = new MelSpectrogram(SampleRate, nFft: 2048, hopLength: hop, melCount: bands, fMin: 30, fMax: 11000, power: 1f);
    }

    /// <summary>Features with a hop of <paramref name="hop"/> samples at 22.05 kHz (512 gives the seed's 43 fps).</summary>
    public static BeatFeatures WithHop(int hop, int bands = 81) => new(hop, bands, true);

    /// <summary>Hop in samples at <see cref="SampleRate"/>.</summary>
    public int Hop { get; }

    /// <summary>Frames per second of the features (and of the activations computed from them).</summary>
    public double FramesPerSecond { get; }

    /// <summary>Features per frame.</summary>
    public int Bands { get; }

    /// <summary>Features of a recording: <c>[frames × <see cref="Bands"/>]</c>.</summary>
    public float[] Compute(AudioBuffer audio)
    {
        var mono = audio.Mono();
        if (audio.SampleRate != SampleRate) mono = Resampler.Resample(mono, audio.SampleRate, SampleRate);
        return Compute(mono);
    }

    /// <summary>Features of a mono signal already at <see cref="SampleRate"/>.</summary>
    public float[] Compute(ReadOnlySpan<float> signal)
    {
        var x = _mel.Compute(signal);
        for (int i = 0; i < x.Length; i++) x[i] = MathF.Log(1f + x[i]);
        Standardise(x, Bands);
        return x;
    }

    private static void Standardise(float[] x, int bands)
    {
        int frames = x.Length / bands;
        if (frames == 0) return;
        for (int b = 0; b < bands; b++)
        {
            double sum = 0, sq = 0;
            for (int t = 0; t < frames; t++) { double v = x[t * bands + b]; sum += v; sq += v * v; }
            double mean = sum / frames, std = Math.Sqrt(Math.Max(sq / frames - mean * mean, 0));
            float inv = (float)(1 / (std + 1e-3));
            for (int t = 0; t < frames; t++) x[t * bands + b] = (float)((x[t * bands + b] - mean) * inv);
        }
    }
}
