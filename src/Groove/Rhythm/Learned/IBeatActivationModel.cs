namespace Groove.Rhythm.Learned;

/// <summary>
/// A trainable network that maps features (<see cref="IBeatFeatureExtractor"/>) to a frame-wise beat activation in [0, 1]. The few-shot
/// protocol (<c>Groove.Evaluation.FewShot</c>) and <see cref="LearnedBeatTracker"/> use models only through this
/// interface, so other architectures (e.g. a self-supervised Zero-Note Samba network) can plug in.
/// Not thread-safe: one instance is trained or run by one thread at a time.
/// </summary>
public interface IBeatActivationModel
{
    /// <summary>Model kind, e.g. "bigru" (stored with saved weights).</summary>
    string Kind { get; }

    /// <summary>The feature extractor whose output the model reads.</summary>
    IBeatFeatureExtractor Features { get; }

    /// <summary>One optimisation step on a batch: <paramref name="features"/> is <c>[batch × frames × bands]</c>,
    /// <paramref name="targets"/> <c>[batch × frames]</c> (see <see cref="BeatTargets"/>). Returns the loss.</summary>
    float TrainStep(float[] features, float[] targets, int batch, int frames);

    /// <summary>Beat activation <c>[frames]</c> in [0, 1] of one track's features <c>[frames × bands]</c>.</summary>
    float[] Predict(float[] features, int frames);

    /// <summary>A copy of the current weights (for early stopping).</summary>
    IReadOnlyDictionary<string, float[]> Snapshot();

    /// <summary>Restores weights taken by <see cref="Snapshot"/>.</summary>
    void Restore(IReadOnlyDictionary<string, float[]> snapshot);

    /// <summary>Saves the weights (and the kind and hyper-parameters as metadata) as safetensors, atomically.</summary>
    void Save(string path);
}
