namespace Groove.Dsp;

/// <summary>What every feature kind may use: the analysis rate and the frame settings.</summary>
/// <param name="SampleRate">Rate of the mono samples given to <see cref="FeatureKind.Compute"/>.</param>
/// <param name="NFft">FFT size in samples.</param>
/// <param name="HopLength">Hop between frames in samples.</param>
/// <param name="MelCount">Mel bands (mel kinds).</param>
/// <param name="Warn">Receives one-line warnings (e.g. empty mel bands).</param>
public sealed record FeatureSettings(int SampleRate, int NFft, int HopLength, int MelCount, Action<string> Warn)
{
    /// <summary>Frames per second with this hop: sr / hop.</summary>
    public double FrameRate => (double)SampleRate / HopLength;
}

/// <summary>A frame-major feature matrix: <c>Data[t·Columns + f]</c>, <paramref name="FrameRate"/> frames per second.</summary>
/// <param name="Data">The values, frame after frame.</param>
/// <param name="Columns">Features per frame.</param>
/// <param name="FrameRate">Frames per second.</param>
public sealed record FeatureMatrix(float[] Data, int Columns, double FrameRate)
{
    /// <summary>Number of frames.</summary>
    public int Frames => Columns == 0 ? 0 : Data.Length / Columns;
}

/// <summary>One feature kind: its name (<c>groove features NAME</c>), a one-line description and how to compute it from mono samples.</summary>
/// <param name="Name">Command-line name.</param>
/// <param name="Description">One line for help texts.</param>
/// <param name="Compute">Mono samples at <see cref="FeatureSettings.SampleRate"/> → frame-major matrix.</param>
public sealed record FeatureKind(string Name, string Description, Func<float[], FeatureSettings, FeatureMatrix> Compute);
