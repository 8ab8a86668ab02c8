using Groove.Nn;

namespace Groove.Rhythm.ZeroNoteSamba;

/// <summary>The loss of one pretext batch and the mean cosine similarities of positive and negative pairs.</summary>
public readonly record struct SynchronyLoss(Tensor Loss, float PositiveCosine, float NegativeCosine);

/// <summary>
/// Zero-Note Samba's pretext loss (Desblancs et al., TASLP 2023), NT-Xent (Chen et al., ICML 2020) with the paper's
/// pairing: for window i, the non-percussive branch's output a_i is the anchor, the percussive branch's output on the
/// same window p_i its positive, and the percussive outputs on the other windows p_j (j ≠ i) its negatives:
/// loss = mean_i −log( exp(cos(a_i, p_i)/τ) / Σ_j exp(cos(a_i, p_j)/τ) ), τ = 0.25.
/// </summary>
public static class SynchronyContrastiveLoss
{
    /// <summary>The paper's temperature.</summary>
    public const float DefaultTemperature = 0.25f;

    /// <summary>Loss of anchors and positives, both [N, frames] (N ≥ 2).</summary>
    public static SynchronyLoss Compute(Tensor anchors, Tensor positives, float temperature = DefaultTemperature)
    {
        if (anchors.Rank != 2 || !ShapeUtil.SameShape(anchors.Shape, positives.Shape))
            throw new ArgumentException("anchors and positives must be two [N, frames] batches of equal shape");
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature));
        int n = anchors.Dim(0);
        if (n < 2) throw new ArgumentException("a contrastive batch needs at least two windows");
        var cos = Functional.Normalize(anchors, 1, 1e-8f).Matmul(Functional.Normalize(positives, 1, 1e-8f).Transpose(0, 1));
        var c = cos.Detach().ToArray();
        double pos = 0, neg = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (i == j) pos += c[i * n + j]; else neg += c[i * n + j];
        var targets = new int[n];
        for (int i = 0; i < n; i++) targets[i] = i;
        var loss = Functional.CrossEntropy(cos * (1f / temperature), targets);
        return new SynchronyLoss(loss, (float)(pos / n), (float)(neg / ((double)n * (n - 1))));
    }
}
