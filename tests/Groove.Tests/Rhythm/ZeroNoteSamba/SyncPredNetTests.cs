using Groove.Nn;
using Groove.Rhythm.ZeroNoteSamba;

namespace Groove.Tests.Rhythm.ZeroNoteSamba;

public class SyncPredNetTests
{
    [Fact]
    public void FullConfigIsThePapersBranch()
    {
        var full = SyncPredNetConfig.Full;
        full.Validate();
        Assert.Equal(8, full.Layers.Count);
        Assert.Equal([(3, 11), (7, 13), (5, 15), (9, 17), (3, 19), (5, 21), (1, 23), (1, 25)], full.Layers.Select(l => (l.KernelFreq, l.KernelTime)));
        Assert.Equal([64, 64, 128, 128, 256, 256, 128, 128], full.Layers.Select(l => l.Channels));
        Assert.Equal(0.1f, full.Dropout);
        Assert.Equal(137, full.ReceptiveField);
        SyncPredNetConfig.Small.Validate();
        Assert.InRange(SyncPredNetConfig.Small.ReceptiveField, 120, 160); // about the paper's 2.2 s
    }

    [Theory]
    [InlineData("small")]
    [InlineData("full")]
    public void BranchesMapWindowsToOneValuePerFrame(string size)
    {
        var net = new SyncPredNet(SyncPredNetConfig.Named(size), new Rng(1));
        net.Eval();
        var x = Tensor.Randn(new Rng(2), 2, 1, 96, 24);
        var y = net.Combined(x, x * 0.5f);
        Assert.Equal([2, 24], y.ShapeArray);
        Assert.All(y.ToArray(), v => Assert.InRange(v, 0f, 1f));
        // The combined activation is the element-wise maximum of the branches.
        var p = net.Percussive.Forward(x).ToArray();
        var n = net.NonPercussive.Forward(x * 0.5f).ToArray();
        var c = y.ToArray();
        for (int i = 0; i < c.Length; i++) Assert.Equal(Math.Max(p[i], n[i]), c[i]);
    }

    [Fact]
    public void ConfigRoundTripsThroughMetadataAndRejectsBadPooling()
    {
        var back = SyncPredNetConfig.FromMetadata(SyncPredNetConfig.Small.ToMetadata(), "test");
        Assert.Equal(SyncPredNetConfig.Small.Layers, back.Layers);
        Assert.Equal("small", back.Name);
        var bad = SyncPredNetConfig.Small with { Layers = [new(4, 3, 3, 1, 5)] };
        Assert.Throws<GrooveException>(bad.Validate);
        Assert.Throws<GrooveException>(() => SyncPredNetConfig.Named("huge"));
    }

    [Fact]
    public void EveryParameterOfBothBranchesGetsAGradient()
    {
        var net = new SyncPredNet(SyncPredNetConfig.Small with { Dropout = 0 }, new Rng(3));
        var rng = new Rng(4);
        var loss = SynchronyContrastiveLoss.Compute(net.NonPercussive.Forward(Tensor.Randn(rng, 4, 1, 96, 40)),
            net.Percussive.Forward(Tensor.Randn(rng, 4, 1, 96, 40)));
        loss.Loss.Backward();
        foreach (var (name, p) in net.NamedParameters())
        {
            Assert.NotNull(p.Grad);
            Assert.True(p.Grad!.ToArray().Any(g => g != 0), $"{name} has no gradient");
        }
    }

    [Fact]
    public void ChunkedInferenceMatchesOneForwardPass()
    {
        var net = new SyncPredNet(SyncPredNetConfig.Small, new Rng(5));
        var model = new ZeroNsModel(net);
        int frames = 2600; // two chunks
        var rng = new Rng(6);
        var p = new float[96 * frames];
        var n = new float[96 * frames];
        rng.FillNormal(p, -4, 2);
        rng.FillNormal(n, -4, 2);
        var chunked = model.Activation(p, n, frames);
        net.Eval();
        float[] whole;
        using (GradMode.Inference())
            whole = net.Combined(Tensor.Wrap(p, 1, 1, 96, frames), Tensor.Wrap(n, 1, 1, 96, frames)).ToArray();
        // Same arithmetic on different matrix widths: only the summation order may differ (float32, ~1e-6 relative).
        for (int t = 0; t < frames; t++) Assert.True(Math.Abs(chunked[t] - whole[t]) < 1e-4, $"frame {t}: {chunked[t]} vs {whole[t]}");
    }

    [Fact]
    public void SavedModelsLoadWithTheirShapeAndOthersAreRejected()
    {
        using var tmp = new Support.TempDir();
        var net = new SyncPredNet(SyncPredNetConfig.Small, new Rng(7));
        ZeroNsModel.SaveNet(tmp.File("m.safetensors"), net, new Dictionary<string, string> { ["note"] = "x" });
        var back = ZeroNsModel.Load(tmp.File("m.safetensors"));
        Assert.Equal(net.Percussive.NamedParameters().First().Tensor.ToArray(), back.Net.Percussive.NamedParameters().First().Tensor.ToArray());
        Assert.Equal("x", back.Metadata["note"]);
        SafeTensors.Save(tmp.File("other.safetensors"), new Dictionary<string, Tensor> { ["w"] = Tensor.Zeros(2) });
        Assert.Throws<GrooveException>(() => ZeroNsModel.Load(tmp.File("other.safetensors")));
        Assert.Throws<GrooveException>(() => ZeroNsModel.Load(tmp.File("missing.safetensors")));
    }
}
