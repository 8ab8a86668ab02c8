using Groove.Dsp;

namespace Groove.Corpus;

/// <summary>
/// A coarse description of a recording that survives re-encoding, a gain change and a small time shift, for
/// finding the same music shipped twice (another codec, bit rate or package): the loudness of 16 mel bands in
/// frames of about half a second (STFT frames of 1024 samples, hop 512, pooled; 16 of them at 16 kHz), in whole dB,
/// one byte per band and frame.
/// </summary>
public sealed class AudioFingerprint
{
    /// <summary>Mel bands per frame.</summary>
    public const int Bands = 16;

    /// <summary>Frames per second.</summary>
    public const int FramesPerSecond = 2;

    /// <summary>
    /// Fingerprints shorter than this many frames (about 30 s) are never called near duplicates: in short clips a
    /// common fade in and out dominates (on the Debian corpus, different 14–27 s jingles reached 0.92, while different
    /// pieces of 30 s or more stayed at or below 0.85 and the one re-encoded copy scored 0.98).
    /// </summary>
    public const int MinFramesToCompare = 60;

    private const int FftSize = 1024, Hop = 512, FloorDb = 90;

    /// <summary>Band levels, frame-major (<c>frames × <see cref="Bands"/></c>), in dB above the recording's floor.</summary>
    public byte[] Levels { get; }

    /// <summary>Number of frames.</summary>
    public int Frames => Levels.Length / Bands;

    /// <summary>Wraps stored levels (see <see cref="Levels"/>).</summary>
    /// <param name="levels">Frame-major band levels; the length must be a multiple of <see cref="Bands"/>.</param>
    public AudioFingerprint(byte[] levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        if (levels.Length % Bands != 0) throw new ArgumentException($"a fingerprint holds a multiple of {Bands} levels", nameof(levels));
        Levels = levels;
    }

    /// <summary>Computes the fingerprint of mono <paramref name="samples"/> at <paramref name="sampleRate"/>.</summary>
    /// <param name="samples">Mono audio.</param>
    /// <param name="sampleRate">Its rate (any; the bands span 50 Hz to 6 kHz or the Nyquist frequency).</param>
    public static AudioFingerprint Compute(ReadOnlySpan<float> samples, int sampleRate)
    {
        int perFrame = Math.Max(1, (int)Math.Round(sampleRate / (double)FramesPerSecond / Hop)); // STFT frames pooled
        int frames = samples.Length / (perFrame * Hop);
        if (frames == 0 || samples.Length < FftSize) return new AudioFingerprint([]);
        var mel = new MelSpectrogram(sampleRate, FftSize, Hop, Bands, fMin: 50, fMax: Math.Min(6000, sampleRate / 2.0), center: false);
        var power = mel.Compute(samples);
        int stftFrames = power.Length / Bands;
        frames = Math.Min(frames, stftFrames / perFrame);
        var db = new double[frames * Bands];
        double max = double.NegativeInfinity;
        for (int f = 0; f < frames; f++)
            for (int b = 0; b < Bands; b++)
            {
                double sum = 0;
                for (int k = 0; k < perFrame; k++) sum += power[((f * perFrame) + k) * Bands + b];
                double v = 10 * Math.Log10(sum / perFrame + 1e-12);
                db[f * Bands + b] = v;
                max = Math.Max(max, v);
            }
        var levels = new byte[frames * Bands];
        for (int i = 0; i < levels.Length; i++)
            levels[i] = (byte)Math.Clamp(Math.Round(db[i] - (max - FloorDb)), 0, FloorDb);
        return new AudioFingerprint(levels);
    }

    /// <summary>
    /// How alike two fingerprints are, from −1 to 1: the best, over shifts of up to ±1 s, of the correlation of their
    /// band levels (each band's mean removed) over the frames they share. 0 when the lengths differ by more than 2%
    /// (and 1 s) or either is shorter than <see cref="MinFramesToCompare"/>.
    /// </summary>
    /// <param name="other">The fingerprint to compare with.</param>
    public double Similarity(AudioFingerprint other)
    {
        ArgumentNullException.ThrowIfNull(other);
        int a = Frames, b = other.Frames;
        if (a < MinFramesToCompare || b < MinFramesToCompare) return 0;
        if (Math.Abs(a - b) > Math.Max(FramesPerSecond, 0.02 * Math.Max(a, b))) return 0;
        var x = Centred(this);
        var y = Centred(other);
        double best = -1;
        for (int lag = -FramesPerSecond; lag <= FramesPerSecond; lag++)
        {
            int start = Math.Max(0, -lag), end = Math.Min(a, b - lag);
            if (end - start < MinFramesToCompare) continue;
            double xy = 0, xx = 0, yy = 0;
            for (int f = start; f < end; f++)
            {
                int i = f * Bands, j = (f + lag) * Bands;
                for (int k = 0; k < Bands; k++)
                {
                    double u = x[i + k], v = y[j + k];
                    xy += u * v; xx += u * u; yy += v * v;
                }
            }
            if (xx > 0 && yy > 0) best = Math.Max(best, xy / Math.Sqrt(xx * yy));
        }
        return best;
    }

    private static double[] Centred(AudioFingerprint f)
    {
        var mean = new double[Bands];
        int n = f.Frames;
        for (int t = 0; t < n; t++)
            for (int k = 0; k < Bands; k++) mean[k] += f.Levels[t * Bands + k];
        for (int k = 0; k < Bands; k++) mean[k] /= n;
        var c = new double[f.Levels.Length];
        for (int i = 0; i < c.Length; i++) c[i] = f.Levels[i] - mean[i % Bands];
        return c;
    }
}
