namespace Groove.Dsp;

/// <summary>Harmonic and percussive waveforms, each as long as the input.</summary>
public sealed record HpssSignals(float[] Harmonic, float[] Percussive);

/// <summary>
/// Waveform harmonic/percussive separation as librosa's <c>effects.hpss</c>: STFT (Hann, 2048/512 by default, centred)
/// → median-filtering masks (<see cref="HpssMasks"/>) applied to the complex spectrum → inverse STFT at the input's
/// length. With margins of 1 and a finite power the two parts sum back to (almost exactly) the input.
/// </summary>
public static class Hpss
{
    /// <summary>Separates mono <paramref name="signal"/>.</summary>
    public static HpssSignals Separate(ReadOnlySpan<float> signal, HpssOptions? options = null, int fftSize = 2048, int hopLength = 512,
        CancellationToken cancellationToken = default)
    {
        if (signal.Length == 0) return new HpssSignals([], []);
        var stft = new Stft(fftSize, hopLength);
        int bins = stft.Bins;
        var spec = stft.Forward(signal);
        int frames = spec.Length / (2 * bins);
        if (frames == 0) return new HpssSignals(new float[signal.Length], new float[signal.Length]);
        var mag = new float[frames * bins];
        for (int i = 0; i < mag.Length; i++)
        {
            float re = spec[2 * i], im = spec[2 * i + 1];
            mag[i] = MathF.Sqrt(re * re + im * im);
        }
        cancellationToken.ThrowIfCancellationRequested();
        var (mh, mp) = HpssMasks.ComputeFrameMajor(mag, frames, bins, options);
        cancellationToken.ThrowIfCancellationRequested();
        var sh = new float[spec.Length];
        var sp = new float[spec.Length];
        for (int i = 0; i < mag.Length; i++)
        {
            sh[2 * i] = spec[2 * i] * mh[i];
            sh[2 * i + 1] = spec[2 * i + 1] * mh[i];
            sp[2 * i] = spec[2 * i] * mp[i];
            sp[2 * i + 1] = spec[2 * i + 1] * mp[i];
        }
        return new HpssSignals(stft.Inverse(sh, signal.Length), stft.Inverse(sp, signal.Length));
    }
}
