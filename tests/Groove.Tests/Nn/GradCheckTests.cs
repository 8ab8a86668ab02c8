using Groove.Nn;
using F = Groove.Nn.Functional;

using Groove.Tonality.Stone;

namespace Groove.Tests.Nn;

public class GradCheckTests
{
    private static readonly Rng R = new(1);
    private static Tensor N(params int[] s) => GradCheck.Rand(new Rng((ulong)s.Sum() * 31 + (ulong)s.Length), s);
    /// <summary>Distinct values 0.1 apart in random order (max-type ops stay away from ties under ±eps).</summary>
    private static Tensor D(params int[] s)
    {
        var t = Tensor.Zeros(s);
        var v = t.Span;
        for (int i = 0; i < v.Length; i++) v[i] = (i - v.Length / 2) * 0.1f;
        new Rng((ulong)v.Length).Shuffle(v);
        return t;
    }
    private static Tensor P(params int[] s) => GradCheck.Positive(new Rng((ulong)s.Sum() * 17 + 3), s);

    [Fact] public void BroadcastAdd() => GradCheck.Check(x => x[0] + x[1], [N(2, 3, 4), N(3, 1)]);
    [Fact] public void BroadcastSub() => GradCheck.Check(x => x[0] - x[1], [N(4), N(2, 3, 4)]);
    [Fact] public void BroadcastMul() => GradCheck.Check(x => x[0] * x[1], [N(2, 1, 4), N(3, 1)]);
    [Fact] public void BroadcastDiv() => GradCheck.Check(x => x[0] / x[1], [N(2, 3), P(2, 1)]);
    [Fact] public void Scalars() => GradCheck.Check(x => 2f - x[0] * 3f + 1f / x[1], [N(5), P(5)]);
    [Fact] public void MaximumMinimum() => GradCheck.Check(x => Tensor.Maximum(x[0], x[1]) + Tensor.Minimum(x[0], x[1]) * 2f, [N(3, 4), N(4)]);
    [Fact] public void Neg() => GradCheck.Check(x => -x[0], [N(3)]);
    [Fact] public void Exp() => GradCheck.Check(x => x[0].Exp(), [N(3, 2)]);
    [Fact] public void Log() => GradCheck.Check(x => x[0].Log(), [P(3, 2)]);
    [Fact] public void Sqrt() => GradCheck.Check(x => x[0].Sqrt(), [P(6)]);
    [Fact] public void Pow() => GradCheck.Check(x => x[0].Pow(2.5f), [P(6)]);
    [Fact] public void Abs() => GradCheck.Check(x => x[0].Abs(), [P(3) - 1.25f]);
    [Fact] public void Clamp() => GradCheck.Check(x => x[0].Clamp(-0.5f, 0.7f), [Tensor.From([-1f, -0.3f, 0.2f, 0.5f, 1.5f], 5)]);
    [Fact] public void SumAxes() => GradCheck.Check(x => x[0].Sum([0, 2]) + x[0].Sum(1).Sum(1, keepDim: true), [N(2, 3, 4)]);
    [Fact] public void MeanVar() => GradCheck.Check(x => x[0].Mean(-1) * x[0].Var([1], unbiased: true), [N(3, 5)]);
    [Fact] public void Max() => GradCheck.Check(x => x[0].Max(1), [D(3, 5, 2)]);
    [Fact] public void Matmul() => GradCheck.Check(x => x[0].Matmul(x[1]), [N(2, 3, 4), N(4, 5)]);
    [Fact] public void BatchedMatmul() => GradCheck.Check(x => x[0].Matmul(x[1]), [N(2, 3, 4), N(2, 4, 2)]);
    [Fact] public void BroadcastBatchedMatmul() => GradCheck.Check(x => x[0].Matmul(x[1]), [N(3, 4), N(2, 4, 2)]);
    [Fact] public void Linear() => GradCheck.Check(x => F.Linear(x[0], x[1], x[2]), [N(2, 3, 4), N(5, 4), N(5)]);
    [Fact] public void ViewsAndCopies() => GradCheck.Check(x => x[0].Permute(2, 0, 1).Reshape(4, 6).Narrow(0, 1, 2) * x[0].Transpose(0, 1).Contiguous().Sum(2).Flatten().Narrow(0, 0, 6), [N(2, 3, 4)]);
    [Fact] public void ConcatStack() => GradCheck.Check(x => Tensor.Concat([x[0], x[1]], 1) + Tensor.Stack([x[2], x[2] * 2f], 1).Sum(1), [N(2, 2), N(2, 3), N(2, 5)]);
    [Fact] public void Expand() => GradCheck.Check(x => x[0].Expand(2, 3, 4), [N(3, 1)]);
    [Fact] public void PadConstant() => GradCheck.Check(x => x[0].Pad([0, 1, 2], [0, 2, -1], PadMode.Constant, 0.5f), [N(2, 3, 4)]);
    [Fact] public void PadReplicate() => GradCheck.Check(x => x[0].Pad([0, 2, 1], [1, 1, 3], PadMode.Replicate), [N(2, 3, 4)]);
    [Fact] public void Crop() => GradCheck.Check(x => x[0].Crop([0, 1, 1], [2, 2, 2]), [N(2, 3, 4)]);

    [Fact] public void Relu() => GradCheck.Check(x => x[0].Relu(), [Tensor.From([-1f, -0.3f, 0.2f, 0.5f, 1.5f], 5)]);
    [Fact] public void Sigmoid() => GradCheck.Check(x => x[0].Sigmoid(), [N(7)]);
    [Fact] public void Tanh() => GradCheck.Check(x => x[0].Tanh(), [N(7)]);
    [Fact] public void Elu() => GradCheck.Check(x => F.Elu(x[0], 0.7f), [N(7)]);
    [Fact] public void Gelu() => GradCheck.Check(x => F.Gelu(x[0]), [N(9)]);
    [Fact] public void Softmax() => GradCheck.Check(x => F.Softmax(x[0], 1), [N(2, 4, 3)]);
    [Fact] public void LogSoftmax() => GradCheck.Check(x => F.LogSoftmax(x[0], -1), [N(3, 5)]);
    [Fact] public void Cosine() => GradCheck.Check(x => F.CosineSimilarity(x[0], x[1], 1), [N(3, 4), N(3, 4)]);

    [Theory]
    [InlineData(1, 1, 0, 1, ConvPadMode.Zeros)]
    [InlineData(2, 1, 1, 1, ConvPadMode.Zeros)]
    [InlineData(1, 2, 2, 1, ConvPadMode.Replicate)]
    [InlineData(1, 2, 0, 2, ConvPadMode.Same)]
    [InlineData(1, 1, 0, 4, ConvPadMode.SameReplicate)]
    public void Conv1d(int stride, int dilation, int padding, int groups, ConvPadMode mode) =>
        GradCheck.Check(x => F.Conv1d(x[0], x[1], x[2], stride, padding, dilation, groups, mode), [N(2, 4, 9), N(4, 4 / groups, 3), N(4)]);

    [Theory]
    [InlineData(1, 1, 1, 1, 1)]
    [InlineData(2, 1, 1, 1, 2)]
    [InlineData(1, 2, 2, 1, 1)]
    [InlineData(1, 1, 1, 4, 1)] // depthwise
    [InlineData(2, 1, 0, 2, 1)]
    public void Conv2d(int stride, int dilation, int padding, int groups, int mult) =>
        GradCheck.Check(x => F.Conv2d(x[0], x[1], x[2], (stride, stride + 0), ConvPadding.Symmetric(padding, padding + 1), (dilation, 1), groups),
            [N(2, 4, 6, 5), N(4 * mult, 4 / groups, 3, 2), N(4 * mult)]);

    [Fact] public void Conv2dPointwise() => GradCheck.Check(x => F.Conv2d(x[0], x[1], null), [N(2, 3, 4, 5), N(6, 3, 1, 1)]);
    [Fact] public void Conv2dSameReplicate() => GradCheck.Check(x => F.Conv2d(x[0], x[1], null, mode: ConvPadMode.SameReplicate, dilation: (1, 2)), [N(1, 2, 5, 6), N(3, 2, 3, 2)]);

    [Fact] public void FrequencyMaxPool() => GradCheck.Check(x => F.MaxPool2d(x[0], (3, 1)), [D(2, 2, 10, 19)]); // RowMaxPool's path (10 rows: the last is dropped)
    [Fact] public void ColumnMaxPool() => GradCheck.Check(x => F.MaxPool2d(x[0], (1, 3)), [D(2, 2, 3, 29)]); // ColumnMaxPool's path (29 columns: gathered vectors, a tail, the last column dropped)
    [Fact] public void MaxPool() => GradCheck.Check(x => F.MaxPool2d(x[0], (2, 3), (2, 2), (1, 1)), [D(2, 2, 5, 6)]);
    [Fact] public void AvgPool() => GradCheck.Check(x => F.AvgPool2d(x[0], (3, 2), (2, 1), (1, 0)) + F.AvgPool2d(x[0], (3, 2), (2, 1), (1, 0), countIncludePad: false), [N(2, 2, 5, 6)]);
    [Fact] public void AdaptivePools() => GradCheck.Check(x => F.AdaptiveAvgPool2d(x[0], (2, 4)) + F.AdaptiveMaxPool2d(x[0], (2, 4)), [D(2, 2, 5, 7)]);
    [Fact] public void Pool1d() => GradCheck.Check(x => F.MaxPool1d(x[0], 3, 2, 1) + F.AvgPool1d(x[0], 3, 2, 1) + F.AdaptiveAvgPool1d(x[0], 4).Sum(-1, keepDim: true), [D(2, 3, 8)]);

    [Fact] public void LayerNormLast() => GradCheck.Check(x => F.LayerNorm(x[0], [-1], x[1], x[2]), [N(3, 2, 5), N(5), N(5)]);
    [Fact] public void LayerNormChannels() => GradCheck.Check(x => F.LayerNorm(x[0], [1], x[1], x[2]), [N(2, 4, 3, 2), N(4), N(4)]);
    [Fact] public void LayerNormTwoAxes() => GradCheck.Check(x => F.LayerNorm(x[0], [1, 2], x[1], null), [N(2, 3, 4), N(3, 4)]);
    [Fact] public void BatchNormTrain() => GradCheck.Check(x => F.BatchNorm(x[0], null, null, x[1], x[2], training: true), [N(3, 4, 5), N(4), N(4)]);
    [Fact] public void BatchNormEval() => GradCheck.Check(x => F.BatchNorm(x[0], Tensor.From([0.1f, -0.2f], 2), Tensor.From([0.5f, 2f], 2), x[1], x[2], training: false), [N(3, 2, 2, 2), N(2), N(2)]);

    [Fact] public void Mse() => GradCheck.Check(x => F.MseLoss(x[0], x[1]), [N(3, 4), N(3, 4)]);
    [Fact] public void Bce() => GradCheck.Check(x => F.BinaryCrossEntropy(x[0].Sigmoid(), x[1].Sigmoid(), Tensor.From([1f, 2f, 0.5f], 3)), [N(2, 3), N(2, 3)]);
    [Fact] public void BceLogits() => GradCheck.Check(x => F.BinaryCrossEntropyWithLogits(x[0], x[1].Sigmoid(), Tensor.From([1f, 2f, 0.5f], 3), Tensor.From([3f, 1f, 0.5f], 3)), [N(2, 3), N(2, 3)]);
    [Fact] public void CrossEntropy() => GradCheck.Check(x => F.CrossEntropy(x[0], [2, 0, 1], Tensor.From([1f, 2f, 0.5f], 3), labelSmoothing: 0.1f), [N(3, 3)]);
    [Fact] public void CrossEntropySequence() => GradCheck.Check(x => F.CrossEntropy(x[0], [2, 0, -100, 1, 1, 0]), [N(2, 3, 3)]);
    [Fact] public void CrossEntropySoft() => GradCheck.Check(x => F.CrossEntropy(x[0], F.Softmax(x[1], 1)), [N(3, 4), N(3, 4)]);
    [Fact] public void NtXent() => GradCheck.Check(x => F.NtXentLoss(x[0], x[1], 0.5f), [N(3, 4), N(3, 4)]);
    [Fact] public void Triplet() => GradCheck.Check(x => F.TripletMarginLoss(x[0], x[1], x[2], 2f), [N(4, 3), N(4, 3), N(4, 3)]);
    [Fact] public void Cpsd() => GradCheck.Check(x => StoneLosses.CpsdLoss(F.Softmax(x[0], 1), F.Softmax(x[1], 1), F.Softmax(x[2], 1), [0, 5, 11]), [N(3, 12), N(3, 12), N(3, 12)]);

    [Theory]
    [InlineData(GruVariant.ResetAfter, false)]
    [InlineData(GruVariant.ResetAfter, true)]
    [InlineData(GruVariant.ResetBefore, false)]
    [InlineData(GruVariant.ResetBefore, true)]
    public void GruLayer(GruVariant variant, bool reverse) =>
        GradCheck.Check(x => F.GruLayer(x[0], x[1], x[2], x[3], x[4], x[5], reverse, variant),
            [N(2, 4, 3), N(12, 3) * 0.5f, N(12, 4) * 0.5f, N(12), N(12) * 0.3f, N(2, 4)]);

    [Fact]
    public void GruModuleBidirectionalTwoLayers()
    {
        var gru = new Gru(3, 4, new Rng(3), numLayers: 2, bidirectional: true);
        var ps = gru.Parameters().ToArray();
        GradCheck.Check(x => gru.Run(x[0], x[1]).Output + gru.Run(x[0], x[1]).HiddenN.Sum(0).Unsqueeze(1).Narrow(2, 0, 4).Expand(2, 5, 4).Pad([0, 0, 0], [0, 0, 4]), [N(2, 5, 3), N(4, 2, 4)]);
        GradCheck.Check(x => gru.Forward(x[0]), [N(2, 5, 3), ps[0], ps[5]]);
    }
}
