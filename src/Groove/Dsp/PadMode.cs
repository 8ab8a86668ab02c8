namespace Groove.Dsp;

/// <summary>How a centred STFT extends the signal beyond its ends (numpy.pad modes).</summary>
public enum PadMode
{
    /// <summary>Zeros (librosa ≥ 0.10's default).</summary>
    Constant,
    /// <summary>Mirror without repeating the edge sample: d c b | a b c d | c b a.</summary>
    Reflect,
    /// <summary>Repeat the edge sample.</summary>
    Edge,
}
