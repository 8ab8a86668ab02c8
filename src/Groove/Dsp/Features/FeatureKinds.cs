namespace Groove.Dsp;

/// <summary>
/// The time–frequency features Groove computes by name (<c>groove features KIND</c>), each frame-major
/// <c>[frames, features]</c> with frame t centred on sample t·hop (librosa's <c>center=True</c>, transposed).
/// To add a kind, append an entry to <see cref="All"/>.
/// </summary>
public static class FeatureKinds
{
    /// <summary>All kinds, in the order help texts list them.</summary>
    public static IReadOnlyList<FeatureKind> All { get; } =
    [
        new("mel", "mel power spectrogram (Slaney mel scale and area normalisation, power 2) [frames, n-mels]",
            (y, s) => new FeatureMatrix(Mel(s).Compute(y), s.MelCount, s.FrameRate)),
        new("logmel", "log-mel spectrogram in dB: power_to_db(mel, ref=1, amin=1e-10, top_db=80) [frames, n-mels]",
            (y, s) => new FeatureMatrix(Mel(s).ComputeDb(y), s.MelCount, s.FrameRate)),
        new("cqt", "constant-Q magnitude, librosa.cqt defaults: 84 bins from C1, 12 per octave, tuning 0 [frames, 84]",
            (y, s) => FrameMajor(Transform(ConstantQOptions.Cqt(s.SampleRate, s.HopLength)).Compute(y), s)),
        new("vqt", "variable-Q magnitude, librosa.vqt defaults (ERB gamma): 84 bins from C1, 12 per octave [frames, 84]",
            (y, s) => FrameMajor(Transform(ConstantQOptions.Vqt(s.SampleRate, s.HopLength)).Compute(y), s)),
        new("chroma", "chroma_cqt: 36-bin/octave CQT over 7 octaves from C1, tuning estimated, max-normalised [frames, 12]",
            ChromaCqt),
        new("onset", "SuperFlux onset strength (log-frequency flux with max filtering), then its bass/mid/high sub-bands [frames, 4]",
            Onset),
    ];

    /// <summary>The kind called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static FeatureKind? Find(string name) =>
        All.FirstOrDefault(k => string.Equals(k.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    private static FeatureMatrix Onset(float[] y, FeatureSettings s)
    {
        var env = new SuperFluxOnsetStrength(new SuperFluxOptions { SampleRate = s.SampleRate, NFft = s.NFft, HopLength = s.HopLength })
            .Compute(y, s.SampleRate);
        int columns = 1 + env.SubBands.Length;
        var data = new float[env.Frames * columns];
        for (int t = 0; t < env.Frames; t++)
        {
            data[t * columns] = env.Values[t];
            for (int b = 0; b < env.SubBands.Length; b++) data[t * columns + 1 + b] = env.SubBands[b][t];
        }
        return new FeatureMatrix(data, columns, env.FramesPerSecond);
    }

    /// <summary>librosa's <c>chroma_cqt</c>: tuning estimated, a 36-bin-per-octave CQT over 7 octaves from C1, folded, max-normalised.</summary>
    private static FeatureMatrix ChromaCqt(float[] y, FeatureSettings s)
    {
        double tuning = TuningEstimator.Estimate(y, s.SampleRate, 12);
        var cqt = Transform(ConstantQOptions.Cqt(s.SampleRate, s.HopLength, binCount: 7 * 36, binsPerOctave: 36) with { Tuning = tuning * 3 }).Compute(y);
        var chroma = Chromagram.FromConstantQ(cqt);
        var data = new float[chroma.Data.Length];
        for (int c = 0; c < 12; c++)
            for (int t = 0; t < chroma.FrameCount; t++) data[t * 12 + c] = chroma[c, t];
        return new FeatureMatrix(data, 12, s.FrameRate);
    }

    /// <summary>A CQT/VQT, with its parameter errors (bins above Nyquist at a low rate) as one-line errors.</summary>
    private static ConstantQTransform Transform(ConstantQOptions options)
    {
        try { return new ConstantQTransform(options); }
        catch (ArgumentException e) { throw new GrooveException($"--sr {options.SampleRate}: {e.Message.Split(" (Parameter")[0]}"); }
    }

    private static FeatureMatrix FrameMajor(ConstantQSpectrogram m, FeatureSettings s)
    {
        var data = new float[m.Data.Length];
        for (int b = 0; b < m.BinCount; b++)
            for (int t = 0; t < m.FrameCount; t++) data[t * m.BinCount + b] = m[b, t];
        return new FeatureMatrix(data, m.BinCount, s.FrameRate);
    }

    private static MelSpectrogram Mel(FeatureSettings s) => new(s.SampleRate, s.NFft, s.HopLength, s.MelCount, onWarning: s.Warn);
}
