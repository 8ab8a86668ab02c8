using System.Runtime.CompilerServices;
namespace Groove.Nn;

public static partial class Functional
{
    /// <summary>Mean squared error.</summary>
    public static Tensor MseLoss(Tensor prediction, Tensor target) => (prediction - target).Square().Mean();

    /// <summary>
    /// Binary cross-entropy on probabilities: −mean(w·(t·log p + (1−t)·log(1−p))), logs clamped at −100 as PyTorch.
    /// <paramref name="weight"/> broadcasts against the input.
    /// </summary>
    public static Tensor BinaryCrossEntropy(Tensor probabilities, Tensor target, Tensor? weight = null)
    {
        var lp = probabilities.Log().Clamp(min: -100f);
        var lq = (1f - probabilities).Log().Clamp(min: -100f);
        var l = target * lp + (1f - target) * lq;
        if (weight != null) l = l * weight;
        return -l.Mean();
    }

    /// <summary>
    /// Binary cross-entropy on logits (numerically stable, fused):
    /// mean(w·[pw·t·softplus(−x) + (1−t)·softplus(x)]). <paramref name="posWeight"/> (pw) broadcasts along the
    /// last dim, <paramref name="weight"/> against the input.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor target, Tensor? weight = null, Tensor? posWeight = null)
    {
        if (!ShapeUtil.SameShape(logits.Shape, target.Shape))
            throw new ArgumentException($"BCE: logits {ShapeUtil.Str(logits.Shape)} and target {ShapeUtil.Str(target.Shape)} differ.");
        var x = logits.DataContiguous().RawSpan.ToArray();
        var t = target.DataContiguous().RawSpan.ToArray();
        var w = weight != null ? weight.Detach().Expand(logits.ShapeArray).RawSpan.ToArray() : null;
        var pw = posWeight != null ? posWeight.Detach().Expand(logits.ShapeArray).RawSpan.ToArray() : null;
        int count = x.Length;
        double sum = 0;
        for (int i = 0; i < count; i++)
        {
            float p = pw != null ? pw[i] : 1f;
            // softplus(−x) = log(1+e^{−x}) computed stably; softplus(x) = softplus(−x) + x.
            double spNeg = Math.Max(-x[i], 0) + Math.Log(1 + Math.Exp(-Math.Abs(x[i])));
            double l = p * t[i] * spNeg + (1 - t[i]) * (spNeg + x[i]);
            sum += (w != null ? w[i] : 1f) * l;
        }
        var loss = Tensor.Scalar((float)(sum / Math.Max(count, 1)));
        if (Autograd.ShouldRecord(logits, target))
            Autograd.Record(loss, new[] { logits, target }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) =>
            {
                float gv = g.Item() / Math.Max(count, 1);
                Tensor? gx = null, gt = null;
                if (logits.RequiresGrad)
                {
                    gx = Tensor.NewLike(logits.ShapeArray);
                    var gs = gx.RawSpan;
                    for (int i = 0; i < count; i++)
                    {
                        float p = pw != null ? pw[i] : 1f;
                        float s = 1f / (1f + MathF.Exp(-x[i]));
                        gs[i] = gv * (w != null ? w[i] : 1f) * (s * (p * t[i] + 1 - t[i]) - p * t[i]);
                    }
                }
                if (target.RequiresGrad)
                {
                    gt = Tensor.NewLike(target.ShapeArray);
                    var gs = gt.RawSpan;
                    for (int i = 0; i < count; i++)
                    {
                        float p = pw != null ? pw[i] : 1f;
                        double spNeg = Math.Max(-x[i], 0) + Math.Log(1 + Math.Exp(-Math.Abs(x[i])));
                        gs[i] = gv * (w != null ? w[i] : 1f) * (float)(p * spNeg - (spNeg + x[i]));
                    }
                }
                return new[] { gx, gt };
            });
        return loss;
    }

    /// <summary>
    /// Cross-entropy of logits [N, C] or [N, C, d…] against class indices [N] or [N, d…]. With class weights the
    /// mean is weighted (Σ w_y·nll / Σ w_y), as PyTorch. Targets equal to <paramref name="ignoreIndex"/> are skipped.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, int[] targets, Tensor? classWeights = null, int ignoreIndex = -100, float labelSmoothing = 0f)
    {
        var logp = LogSoftmax(logits, 1);
        return NllLoss(logp, targets, classWeights, ignoreIndex, labelSmoothing);
    }

    /// <summary>Cross-entropy against target distributions (same shape as logits, class dim 1): −mean_n Σ_c t·log softmax(x).</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor targetProbabilities)
    {
        var logp = LogSoftmax(logits, 1);
        int count = logits.Size / logits.Dim(1);
        return -(logp * targetProbabilities).Sum() / count;
    }

    /// <summary>Negative log-likelihood of log-probabilities [N, C, d…] at class indices (weighted mean).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor NllLoss(Tensor logProbs, int[] targets, Tensor? classWeights = null, int ignoreIndex = -100, float labelSmoothing = 0f)
    {
        int n = logProbs.Dim(0), c = logProbs.Dim(1), inner = ShapeUtil.Prod(logProbs.Shape, 2, logProbs.Rank);
        if (targets.Length != n * inner) throw new ArgumentException($"CrossEntropy: {targets.Length} targets for {n * inner} predictions.");
        var lp = logProbs.DataContiguous().RawSpan.ToArray();
        var cw = classWeights?.DataContiguous().RawSpan.ToArray();
        if (cw != null && cw.Length != c) throw new ArgumentException($"CrossEntropy: {cw.Length} class weights for {c} classes.");
        double sum = 0, wsum = 0;
        for (int b = 0; b < n; b++)
            for (int q = 0; q < inner; q++)
            {
                int y = targets[b * inner + q];
                if (y == ignoreIndex) continue;
                if ((uint)y >= (uint)c) throw new ArgumentException($"CrossEntropy: target {y} outside [0, {c}).");
                float wy = cw != null ? cw[y] : 1f;
                double nll = -lp[(b * c + y) * inner + q];
                if (labelSmoothing > 0)
                {
                    // PyTorch: (1−ε)·nll + ε/C·Σ_c −w_c·logp_c, normalised by Σ w_y.
                    double smooth = 0;
                    for (int k = 0; k < c; k++) smooth -= (cw != null ? cw[k] : 1f) * lp[(b * c + k) * inner + q];
                    sum += (1 - labelSmoothing) * wy * nll + labelSmoothing / c * smooth;
                }
                else sum += wy * nll;
                wsum += wy;
            }
        var loss = Tensor.Scalar((float)(sum / Math.Max(wsum, 1e-30)));
        if (Autograd.ShouldRecord(logProbs))
            Autograd.Record(loss, new[] { logProbs }, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g) =>
            {
                float gv = (float)(g.Item() / Math.Max(wsum, 1e-30));
                var gi = Tensor.NewLike(logProbs.ShapeArray);
                var gs = gi.RawSpan;
                for (int b = 0; b < n; b++)
                    for (int q = 0; q < inner; q++)
                    {
                        int y = targets[b * inner + q];
                        if (y == ignoreIndex) continue;
                        float wy = cw != null ? cw[y] : 1f;
                        gs[(b * c + y) * inner + q] -= gv * wy * (1 - labelSmoothing);
                        if (labelSmoothing > 0)
                            for (int k = 0; k < c; k++) gs[(b * c + k) * inner + q] -= gv * labelSmoothing / c * (cw != null ? cw[k] : 1f);
                    }
                return new[] { gi };
            });
        return loss;
    }

    /// <summary>
    /// NT-Xent (SimCLR, Chen et al., ICML 2020): z1[i] and z2[i] are positives, every other of the 2N embeddings is a
    /// negative; cosine similarities divided by <paramref name="temperature"/>, cross-entropy averaged over all 2N anchors.
    /// </summary>
    public static Tensor NtXentLoss(Tensor z1, Tensor z2, float temperature = 0.1f)
    {
        if (z1.Rank != 2 || !ShapeUtil.SameShape(z1.Shape, z2.Shape)) throw new ArgumentException("NT-Xent expects two [N, D] batches of equal shape.");
        int n = z1.Dim(0);
        var z = Normalize(Tensor.Concat(new[] { z1, z2 }, 0), 1);
        var sim = z.Matmul(z.Transpose(0, 1)) / temperature;
        var mask = Tensor.Zeros(2 * n, 2 * n);
        for (int i = 0; i < 2 * n; i++) mask[i, i] = -1e9f;
        var targets = new int[2 * n];
        for (int i = 0; i < 2 * n; i++) targets[i] = (i + n) % (2 * n);
        return CrossEntropy(sim + mask, targets);
    }

    /// <summary>Triplet margin loss with squared Euclidean distances: mean(max(‖a−p‖² − ‖a−n‖² + margin, 0)).</summary>
    public static Tensor TripletMarginLoss(Tensor anchor, Tensor positive, Tensor negative, float margin = 1f)
    {
        var dap = (anchor - positive).Square().Sum(-1);
        var dan = (anchor - negative).Square().Sum(-1);
        return (dap - dan + margin).Relu().Mean();
    }
}
