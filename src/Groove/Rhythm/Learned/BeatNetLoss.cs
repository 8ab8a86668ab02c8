using Groove.Nn;

namespace Groove.Rhythm.Learned;

/// <summary>
/// The multi-task loss of a <see cref="BeatNetwork"/>: positive-weighted binary cross-entropy of the beat and of the
/// downbeat logits against widened targets (<see cref="BeatTargets"/>), plus, with a tempo head, the cross-entropy of
/// the tempo logits against a tempo distribution (<see cref="TempoTarget"/>) weighted by <c>tempoWeight</c>
/// (Böck, Davies &amp; Knees, ISMIR 2019).
/// </summary>
public static class BeatNetLoss
{
    /// <summary>The loss of one batch.</summary>
    /// <param name="net">The network.</param>
    /// <param name="features"><c>[B × T × bands]</c>.</param>
    /// <param name="beats">Beat targets <c>[B × T]</c>.</param>
    /// <param name="downbeats">Downbeat targets <c>[B × T]</c>.</param>
    /// <param name="tempo">Tempo distributions <c>[B × classes]</c> (ignored without a tempo head).</param>
    /// <param name="batch">B.</param>
    /// <param name="frames">T.</param>
    /// <param name="positiveWeight">Weight of target frames against the many non-beat frames.</param>
    /// <param name="tempoWeight">Weight of the tempo term.</param>
    public static Tensor Compute(BeatNetwork net, float[] features, float[] beats, float[] downbeats, float[] tempo, int batch, int frames,
        float positiveWeight = 4f, float tempoWeight = 0.5f)
    {
        var c = net.Config;
        var (logits, tempoLogits) = net.Run(Tensor.From(features, batch, frames, c.FeatureWidth));
        var pos = Tensor.Scalar(positiveWeight);
        var beatLoss = Functional.BinaryCrossEntropyWithLogits(logits.Narrow(2, 0, 1).Reshape(batch, frames), Tensor.From(beats, batch, frames), posWeight: pos);
        var downLoss = Functional.BinaryCrossEntropyWithLogits(logits.Narrow(2, 1, 1).Reshape(batch, frames), Tensor.From(downbeats, batch, frames), posWeight: pos);
        var loss = beatLoss + downLoss;
        if (tempoLogits is not null)
            loss = loss + Functional.CrossEntropy(tempoLogits, Tensor.From(tempo, batch, c.TempoClasses)) * tempoWeight;
        return loss;
    }

    /// <summary>
    /// A tempo target over <paramref name="classes"/> one-BPM classes: weight 1 at the rounded tempo, 0.5 and 0.25 at
    /// ±1 and ±2 BPM (the widened tempo targets of Böck et al. 2019), normalised to sum 1; all zero for an unknown
    /// tempo (≤ 0 or out of range).
    /// </summary>
    public static float[] TempoTarget(double bpm, int classes)
    {
        var y = new float[classes];
        int k = (int)Math.Round(bpm);
        if (bpm <= 0 || k >= classes) return y;
        float sum = 0;
        for (int d = -2; d <= 2; d++)
        {
            int j = k + d;
            if (j < 0 || j >= classes) continue;
            y[j] = d == 0 ? 1f : Math.Abs(d) == 1 ? 0.5f : 0.25f;
            sum += y[j];
        }
        for (int j = 0; j < classes; j++) y[j] /= sum;
        return y;
    }
}
