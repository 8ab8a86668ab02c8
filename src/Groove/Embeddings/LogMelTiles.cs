using Groove.Audio;
using Groove.Dsp;

namespace Groove.Embeddings;

/// <summary>
/// The input of every embedding model: a log-mel spectrogram at 16 kHz (window 480 samples = 30 ms Hann, hop 160 =
/// 10 ms, FFT 1024, 128 HTK mel bands 50–8000 Hz with peak-1 triangles, power spectrum, <c>log(x + 1e-6)</c>), cut
/// into 5 s tiles of 500 frames. Frame-major <c>[frames × 128]</c> as <see cref="MelSpectrogram"/>. Thread-safe.
/// </summary>
public sealed class LogMelTiles
{
    /// <summary>Sample rate every model works at.</summary>
    public const int SampleRate = 16000;
    /// <summary>Mel bands.</summary>
    public const int Mels = 128;
    /// <summary>Frames per second (hop 160 at 16 kHz).</summary>
    public const int FramesPerSecond = 100;
    /// <summary>Frames per 5 s tile.</summary>
    public const int TileFrames = 500;
    /// <summary>The value of silence: log(0 + 1e-6).</summary>
    public static readonly float Floor = MathF.Log(1e-6f);

    private readonly MelSpectrogram _mel = new(new Stft(1024, 160, 480), new MelFilterbank(SampleRate, 1024, Mels, 50, 8000, MelScale.Htk, MelNorm.None));

    /// <summary>Log-mel of a 16 kHz mono signal, <c>[frames × 128]</c>; frames = 1 + length / 160 (centred STFT).</summary>
    public float[] Compute(ReadOnlySpan<float> signal)
    {
        if (signal.Length == 0) throw new GrooveException("empty audio");
        var m = _mel.Compute(signal);
        for (int i = 0; i < m.Length; i++) m[i] = MathF.Log(m[i] + 1e-6f);
        return m;
    }

    /// <summary>Frames of a log-mel array.</summary>
    public static int FrameCount(float[] logMel) => logMel.Length / Mels;

    /// <summary>
    /// Start frames of the non-overlapping 5 s tiles of a spectrogram of <paramref name="frames"/> frames (a track
    /// shorter than one tile gets one tile, padded with <see cref="Floor"/> by <see cref="CopyTile"/>).
    /// </summary>
    public static int[] TileStarts(int frames)
    {
        int n = Math.Max(1, frames / TileFrames);
        var starts = new int[n];
        for (int i = 0; i < n; i++) starts[i] = i * TileFrames;
        return starts;
    }

    /// <summary>
    /// Copies the tile starting at <paramref name="start"/> into <paramref name="dst"/> laid out mel-major
    /// <c>[128 × 500]</c> (a network's [H = mels, W = time] image), padding past the end with <see cref="Floor"/>.
    /// </summary>
    public static void CopyTile(ReadOnlySpan<float> logMel, int start, Span<float> dst)
    {
        if (dst.Length != Mels * TileFrames) throw new ArgumentException("tile buffer must hold 128 × 500 values", nameof(dst));
        int frames = logMel.Length / Mels;
        for (int t = 0; t < TileFrames; t++)
        {
            int f = start + t;
            if (f >= frames || f < 0) { for (int m = 0; m < Mels; m++) dst[m * TileFrames + t] = Floor; continue; }
            var row = logMel.Slice(f * Mels, Mels);
            for (int m = 0; m < Mels; m++) dst[m * TileFrames + t] = row[m];
        }
    }

    /// <summary>Loads any audio file as 16 kHz mono (at most <paramref name="maxDuration"/>).</summary>
    public static float[] LoadAudio(string path, TimeSpan? maxDuration = null, Action<string>? onWarning = null)
    {
        var options = new AudioLoadOptions { SampleRate = SampleRate, Mono = true, MaxDuration = maxDuration ?? AudioLoadOptions.DefaultMaxDuration };
        return AudioFile.Load(path, options, onWarning).Mono();
    }

    /// <summary>
    /// The same 16 kHz mono signal from audio already decoded at the file's own rate and channels (what
    /// <see cref="LoadAudio"/> gives for that file, sample for sample: the same mixdown, then the same resampler), so
    /// a caller that has the audio for another analysis does not decode the file a second time.
    /// </summary>
    public static float[] FromAudio(AudioBuffer audio)
    {
        ArgumentNullException.ThrowIfNull(audio);
        return Resampler.Resample(audio.Mono(), audio.SampleRate, SampleRate);
    }
}
