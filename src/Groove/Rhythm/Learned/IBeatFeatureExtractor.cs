using Groove.Audio;

namespace Groove.Rhythm.Learned;

/// <summary>
/// Frame-wise input features of an <see cref="IBeatActivationModel"/>: a recording → <c>[frames × bands]</c>
/// (frame-major). <see cref="BeatFeatures"/> (mel) is one; Zero-Note Samba's percussive and non-percussive VQTs are
/// another. Implementations are thread-safe.
/// </summary>
public interface IBeatFeatureExtractor
{
    /// <summary>Frames per second of the features (and of the activations computed from them).</summary>
    double FramesPerSecond { get; }

    /// <summary>Features per frame.</summary>
    int Bands { get; }

    /// <summary>Features of a recording: <c>[frames × <see cref="Bands"/>]</c>.</summary>
    float[] Compute(AudioBuffer audio);
}
