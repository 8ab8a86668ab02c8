using System.Globalization;
using Groove.Nn;
using Groove.Tests.Support;
using F = Groove.Nn.Functional;

namespace Groove.Tests.Nn;

/// <summary>
/// Compares outputs and gradients with PyTorch references written by tests/fixtures/torch/make_fixtures.py
/// (float64 PyTorch, stored as float32). Tolerance: |a − b| ≤ 1e-4·|b| + 1e-5.
/// </summary>
public class TorchParityTests
{
    private sealed record Fixture(Dictionary<string, Tensor> T, Dictionary<string, string> Meta)
    {
        public Tensor this[string k] => T.TryGetValue(k, out var v) ? v : throw new KeyNotFoundException(k);
        public string M(string k) => Meta[k];
        public int I(string k) => int.Parse(Meta[k], CultureInfo.InvariantCulture);
        public (int, int) Pair(string k) { var p = Meta[k].Split(','); return (int.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture)); }
    }

    private static Fixture Load(string name)
    {
        var (t, m) = SafeTensors.Load(RepoPaths.Path("tests", "fixtures", "torch", name + ".safetensors"));
        return new Fixture(t, m);
    }

    internal static void AssertClose(Tensor expected, Tensor actual, string what, float rtol = 1e-4f, float atol = 1e-5f)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape), $"{what}: shape {string.Join(",", actual.ShapeArray)} vs {string.Join(",", expected.ShapeArray)}");
        var e = expected.ToArray(); var a = actual.ToArray();
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= rtol * Math.Abs(e[i]) + atol, $"{what}[{i}]: {a[i]:G8} vs torch {e[i]:G8}");
    }

    /// <summary>Runs f on fresh leaves made from the fixture's x.* and p.* tensors; checks y.* and g.*.</summary>
    private static void Run(string name, Func<Fixture, Dictionary<string, Tensor>, Dictionary<string, Tensor>> f, float rtol = 1e-4f, float atol = 1e-5f)
    {
        var fx = Load(name);
        var leaves = new Dictionary<string, Tensor>();
        foreach (var (k, v) in fx.T)
            if (k.StartsWith("x.", StringComparison.Ordinal) || k.StartsWith("p.", StringComparison.Ordinal))
            {
                var leaf = v.Clone();
                leaf.RequiresGrad = true;
                leaves[k[2..]] = leaf;
            }
        var outs = f(fx, leaves);
        Tensor? loss = null;
        foreach (var (k, y) in outs)
        {
            AssertClose(fx["y." + k], y, $"{name} y.{k}", rtol, atol);
            var term = (y * fx["w." + k]).Sum();
            loss = loss == null ? term : loss + term;
        }
        loss!.Backward();
        int checkedGrads = 0;
        foreach (var (k, leaf) in leaves)
            if (fx.T.TryGetValue("g." + k, out var g))
            {
                Assert.NotNull(leaf.Grad);
                AssertClose(g, leaf.Grad!, $"{name} g.{k}", rtol, atol);
                checkedGrads++;
            }
        Assert.True(checkedGrads > 0);
    }

    private static Dictionary<string, Tensor> Y(Tensor y) => new() { ["y"] = y };

    [Fact] public void Linear() => Run("linear", (fx, l) => Y(F.Linear(l["x"], l["weight"], l["bias"])));

    [Theory]
    [InlineData("conv1d_groups_dilation")]
    [InlineData("conv1d_stride")]
    [InlineData("conv1d_same_replicate")]
    public void Conv1d(string name) => Run(name, (fx, l) => Y(F.Conv1d(l["x"], l["weight"], l["bias"], fx.I("stride"), fx.I("padding"),
        fx.I("dilation"), fx.I("groups"), fx.M("mode") == "samereplicate" ? ConvPadMode.SameReplicate : ConvPadMode.Zeros)));

    [Theory]
    [InlineData("conv2d_stride_dilation")]
    [InlineData("conv2d_groups")]
    [InlineData("conv2d_depthwise")]
    [InlineData("conv2d_depthwise7")]
    public void Conv2d(string name) => Run(name, (fx, l) =>
    {
        var (ph, pw) = fx.Pair("padding");
        return Y(F.Conv2d(l["x"], l["weight"], l["bias"], fx.Pair("stride"), ConvPadding.Symmetric(ph, pw), fx.Pair("dilation"), fx.I("groups")));
    });

    [Fact]
    public void GruBidirectionalTwoLayers()
    {
        var fx = Load("gru_bidir_2layer");
        var gru = new Gru(3, 5, new Rng(1), numLayers: 2, bidirectional: true);
        Assert.Equal(fx.T.Keys.Where(k => k.StartsWith("p.")).Select(k => k[2..]).OrderBy(k => k, StringComparer.Ordinal),
            gru.NamedParameters().Select(p => p.Name).OrderBy(k => k, StringComparer.Ordinal));
        gru.LoadStateDict(fx.T.Where(kv => kv.Key.StartsWith("p.")).ToDictionary(kv => kv.Key[2..], kv => kv.Value));
        var x = fx["x.x"].Clone(); var h0 = fx["x.h0"].Clone();
        x.RequiresGrad = h0.RequiresGrad = true;
        var (output, hn) = gru.Run(x, h0);
        AssertClose(fx["y.output"], output, "gru output");
        AssertClose(fx["y.hn"], hn, "gru h_n");
        ((output * fx["w.output"]).Sum() + (hn * fx["w.hn"]).Sum()).Backward();
        AssertClose(fx["g.x"], x.Grad!, "gru grad x");
        AssertClose(fx["g.h0"], h0.Grad!, "gru grad h0");
        foreach (var (n, p) in gru.NamedParameters()) AssertClose(fx["g." + n], p.Grad!, "gru grad " + n);
    }

    [Fact]
    public void GruResetBeforeReverse() => Run("gru_reset_before_reverse", (fx, l) =>
        Y(F.GruLayer(l["x"], l["w_ih"], l["w_hh"], l["b_ih"], l["b_hh"], l["h0"], reverse: true, GruVariant.ResetBefore)));

    [Fact] public void LayerNormLast() => Run("layernorm_last", (fx, l) => Y(F.LayerNorm(l["x"], [-1], l["weight"], l["bias"])));
    [Fact] public void LayerNormChannels() => Run("layernorm_channels", (fx, l) => Y(F.LayerNorm(l["x"], [1], l["weight"], l["bias"])));

    [Fact]
    public void BatchNormTrain()
    {
        Tensor? rm = null, rv = null;
        Run("batchnorm2d_train", (fx, l) =>
        {
            rm = fx["s.running_mean"].Clone(); rv = fx["s.running_var"].Clone();
            return Y(F.BatchNorm(l["x"], rm, rv, l["weight"], l["bias"], training: true));
        });
        var fx = Load("batchnorm2d_train");
        AssertClose(fx["s.running_mean_after"], rm!, "running_mean");
        AssertClose(fx["s.running_var_after"], rv!, "running_var");
    }

    [Fact] public void BatchNormEval() => Run("batchnorm1d_eval", (fx, l) => Y(F.BatchNorm(l["x"], fx["s.running_mean"], fx["s.running_var"], l["weight"], l["bias"], training: false)));

    [Fact]
    public void Activations() => Run("activations", (fx, l) => new()
    {
        ["gelu"] = F.Gelu(l["x"]), ["elu"] = F.Elu(l["x"], 0.7f), ["softmax"] = F.Softmax(l["x"], 1),
        ["log_softmax"] = F.LogSoftmax(l["x"], 0), ["sigmoid"] = F.Sigmoid(l["x"]), ["tanh"] = F.Tanh(l["x"]),
    });

    [Fact]
    public void Pooling() => Run("pooling", (fx, l) => new()
    {
        ["max"] = F.MaxPool2d(l["x"], (3, 2), (2, 2), (1, 1)),
        ["avg"] = F.AvgPool2d(l["x"], (3, 3), (2, 1), (1, 1)),
        ["avg_nopad"] = F.AvgPool2d(l["x"], (3, 3), (2, 1), (1, 1), countIncludePad: false),
        ["adaptive_avg"] = F.AdaptiveAvgPool2d(l["x"], (3, 4)),
        ["adaptive_max"] = F.AdaptiveMaxPool2d(l["x"], (3, 4)),
    });

    [Fact]
    public void Losses() => Run("losses", (fx, l) => new()
    {
        ["mse"] = F.MseLoss(l["logits"], l["target"]),
        ["bce"] = F.BinaryCrossEntropy(l["logits"].Sigmoid(), l["target"].Sigmoid(), Tensor.From([1f, 2f, 0.5f], 3)),
        ["bce_logits"] = F.BinaryCrossEntropyWithLogits(l["logits"], l["target"].Sigmoid(), Tensor.From([1f, 2f, 0.5f], 3), Tensor.From([3f, 1f, 0.5f], 3)),
        ["ce"] = F.CrossEntropy(l["ce_logits"], [2, 0, 1, 3], Tensor.From([1f, 2f, 0.5f, 1.5f], 4), labelSmoothing: 0.1f),
        ["nt_xent"] = F.NtXentLoss(l["z1"], l["z2"], 0.2f),
        ["triplet"] = F.TripletMarginLoss(l["a"], l["pos"], l["neg"], 1f),
        ["cosine"] = F.CosineSimilarity(l["z1"], l["z2"], 1),
    });

    [Theory]
    [InlineData("adam")]
    [InlineData("adamw")]
    [InlineData("sgd_nesterov")]
    public void Optimisers(string name)
    {
        var fx = Load(name);
        var w = fx["p.weight"].Clone(); var b = fx["p.bias"].Clone();
        w.RequiresGrad = b.RequiresGrad = true;
        float lr = float.Parse(fx.M("lr"), CultureInfo.InvariantCulture), wd = float.Parse(fx.M("weight_decay"), CultureInfo.InvariantCulture);
        Optimizer opt = name switch
        {
            "adam" => new Adam(new[] { new ParamGroup(new[] { ("weight", w), ("bias", b) }, lr, wd) }),
            "adamw" => new Adam(new[] { new ParamGroup(new[] { ("weight", w) }, lr, wd), new ParamGroup(new[] { ("bias", b) }, lr, 0f) }, decoupledWeightDecay: true),
            _ => new Sgd(new[] { new ParamGroup(new[] { ("weight", w), ("bias", b) }, lr, wd) }, momentum: float.Parse(fx.M("momentum"), CultureInfo.InvariantCulture), nesterov: true),
        };
        for (int i = 0; i < 3; i++)
        {
            w.Grad = fx[$"g{i}.weight"].Clone(); b.Grad = fx[$"g{i}.bias"].Clone();
            opt.Step();
        }
        AssertClose(fx["y.weight"], w, name + " weight");
        AssertClose(fx["y.bias"], b, name + " bias");
    }
}
