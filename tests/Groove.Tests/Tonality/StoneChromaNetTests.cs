using Groove.Nn;
using Groove.Tonality.Stone;

namespace Groove.Tests.Tonality;

public class StoneChromaNetTests
{
    private static Tensor RandomCrop(Rng rng, int n, int frames) => Tensor.Uniform(rng, 0f, 1f, n, 1, StoneFrontEnd.CropBins, frames);

    /// <summary>Rolls the frequency axis (dim 2) of [N, 1, F, T] up by s bins, cyclically.</summary>
    private static Tensor RollBins(Tensor x, int s)
    {
        int n = x.Dim(0), f = x.Dim(2), t = x.Dim(3);
        var src = x.ToArray(); var dst = new float[src.Length];
        for (int i = 0; i < n; i++)
            for (int b = 0; b < f; b++)
                Array.Copy(src, (i * f + b) * t, dst, (i * f + (b + s) % f) * t, t);
        return Tensor.Wrap(dst, n, 1, f, t);
    }

    [Fact]
    public void OutputsA12ClassDistributionPerExcerpt()
    {
        var rng = new Rng(3);
        var net = new ChromaNet(new ChromaNetConfig { Width = 4 }, rng);
        net.Eval();
        var y = net.Forward(RandomCrop(rng, 3, 50));
        Assert.Equal(new[] { 3, 12 }, y.ShapeArray);
        var v = y.ToArray();
        for (int i = 0; i < 3; i++) Assert.Equal(1f, v.AsSpan(i * 12, 12).ToArray().Sum(), 4);
    }

    [Fact]
    public void OctavePoolingFoldsBinsModulo12AndCommutesWithCyclicShifts()
    {
        var rng = new Rng(5);
        var x = Tensor.Uniform(rng, -1f, 1f, 2, 3, 84, 4);
        var pooled = ChromaNet.OctavePool(x);
        Assert.Equal(new[] { 2, 3, 12, 4 }, pooled.ShapeArray);
        // class 5 of channel 1, frame 2 of item 0 = mean of bins 5, 17, …, 77
        float expected = Enumerable.Range(0, 7).Select(o => x[0, 1, 5 + 12 * o, 2]).Average();
        Assert.Equal(expected, pooled[0, 1, 5, 2], 5);
        for (int s = 1; s < 12; s += 4)
        {
            var shifted = ChromaNet.OctavePool(RollBins(x.Reshape(6, 1, 84, 4), s).Reshape(2, 3, 84, 4));
            for (int q = 0; q < 12; q++)
                Assert.Equal(pooled[1, 2, q, 1], shifted[1, 2, (q + s) % 12, 1], 5);
        }
    }

    [Fact]
    public void ANetworkWithoutFrequencyContextIsExactlyEquivariantToCyclicTransposition()
    {
        // With 1×1 depthwise kernels every layer acts on each frequency bin alike, so rolling the 84 bins by s must
        // rotate the 12-class profile by s: the structure (octave pooling, a head shared by all classes) is what
        // makes transposition a rotation of the output.
        var rng = new Rng(11);
        var net = new ChromaNet(new ChromaNetConfig { Width = 4, Stages = 3, Kernel = 1 }, rng);
        net.Eval();
        var x = RandomCrop(rng, 1, 24);
        var y = net.Forward(x).ToArray();
        foreach (int s in new[] { 1, 7, 30 })
        {
            var ys = net.Forward(RollBins(x, s)).ToArray();
            for (int q = 0; q < 12; q++) Assert.Equal(y[q], ys[(q + s) % 12], 4);
        }
        // …and the output is not trivially constant.
        Assert.True(y.Max() - y.Min() > 1e-4f);
    }

    [Fact]
    public void CpsdLossIsZeroForConsistentConfidentProfilesAndPenalisesWrongRotations()
    {
        static Tensor OneHot(params int[] classes)
        {
            var t = Tensor.Zeros(classes.Length, 12);
            for (int i = 0; i < classes.Length; i++) t[i, classes[i]] = 1f;
            return t;
        }
        foreach (double omega in new[] { 7.0 / 12, 1.0 / 12 })
        {
            // A and B agree (class 2); A′ = A transposed up by k → class 2 + k.
            var ok = StoneLosses.CpsdLoss(OneHot(2, 2), OneHot(2, 2), OneHot(5, 0), [3, -2], omega).Item();
            Assert.Equal(0f, ok, 5);
            var wrongShift = StoneLosses.CpsdLoss(OneHot(2, 2), OneHot(2, 2), OneHot(4, 0), [3, -2], omega).Item();
            Assert.True(wrongShift > 0.1f);
            var disagree = StoneLosses.CpsdLoss(OneHot(2, 2), OneHot(6, 2), OneHot(5, 0), [3, -2], omega).Item();
            Assert.True(disagree > 0.1f);
        }
        // A uniform profile sits at the circle's centre: every term is |0 − target|² = 1.
        var uniform = Tensor.Full(1f / 12, 1, 12);
        Assert.Equal(3f, StoneLosses.CpsdLoss(uniform, uniform, uniform, [4]).Item(), 4);
    }
}
