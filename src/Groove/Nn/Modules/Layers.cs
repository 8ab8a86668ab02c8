namespace Groove.Nn;

/// <summary>Fully connected layer y = x·Wᵀ + b (weight [out, in]).</summary>
public sealed class Linear : Module
{
    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    public Linear(int inFeatures, int outFeatures, Rng rng, bool bias = true)
    {
        Weight = RegisterParameter("weight", UniformInit(rng, inFeatures, outFeatures, inFeatures));
        if (bias) Bias = RegisterParameter("bias", UniformInit(rng, inFeatures, outFeatures));
    }

    public override Tensor Forward(Tensor x) => Functional.Linear(x, Weight, Bias);
}

/// <summary>1-D convolution over [N, C, L] (weight [Cout, Cin/groups, K]).</summary>
public sealed class Conv1d : Module
{
    public Tensor Weight { get; }
    public Tensor? Bias { get; }
    public int Stride { get; }
    public int Padding { get; }
    public int Dilation { get; }
    public int Groups { get; }
    public ConvPadMode Mode { get; }

    public Conv1d(int inChannels, int outChannels, int kernelSize, Rng rng, int stride = 1, int padding = 0,
        int dilation = 1, int groups = 1, bool bias = true, ConvPadMode mode = ConvPadMode.Zeros)
    {
        if (inChannels % groups != 0 || outChannels % groups != 0) throw new ArgumentException("Conv1d: channels not divisible by groups.");
        int fanIn = inChannels / groups * kernelSize;
        Weight = RegisterParameter("weight", UniformInit(rng, fanIn, outChannels, inChannels / groups, kernelSize));
        if (bias) Bias = RegisterParameter("bias", UniformInit(rng, fanIn, outChannels));
        (Stride, Padding, Dilation, Groups, Mode) = (stride, padding, dilation, groups, mode);
    }

    public override Tensor Forward(Tensor x) => Functional.Conv1d(x, Weight, Bias, Stride, Padding, Dilation, Groups, Mode);
}

/// <summary>2-D convolution over [N, C, H, W] (weight [Cout, Cin/groups, Kh, Kw]).</summary>
public sealed class Conv2d : Module
{
    public Tensor Weight { get; }
    public Tensor? Bias { get; }
    public (int h, int w) Stride { get; }
    public ConvPadding Padding { get; }
    public (int h, int w) Dilation { get; }
    public int Groups { get; }
    public ConvPadMode Mode { get; }

    public Conv2d(int inChannels, int outChannels, (int h, int w) kernelSize, Rng rng, (int h, int w)? stride = null,
        (int h, int w) padding = default, (int h, int w)? dilation = null, int groups = 1, bool bias = true,
        ConvPadMode mode = ConvPadMode.Zeros)
    {
        if (inChannels % groups != 0 || outChannels % groups != 0) throw new ArgumentException("Conv2d: channels not divisible by groups.");
        int fanIn = inChannels / groups * kernelSize.h * kernelSize.w;
        Weight = RegisterParameter("weight", UniformInit(rng, fanIn, outChannels, inChannels / groups, kernelSize.h, kernelSize.w));
        if (bias) Bias = RegisterParameter("bias", UniformInit(rng, fanIn, outChannels));
        Stride = stride ?? (1, 1);
        Padding = ConvPadding.Symmetric(padding.h, padding.w);
        Dilation = dilation ?? (1, 1);
        Groups = groups;
        Mode = mode;
    }

    public override Tensor Forward(Tensor x) => Functional.Conv2d(x, Weight, Bias, Stride, Padding, Dilation, Groups, Mode);
}

/// <summary>
/// Layer normalisation with elementwise affine. By default over the last dims given by <c>normalizedShape</c>
/// (PyTorch's nn.LayerNorm); with <c>axes</c>, over those axes instead (e.g. axes [1] for ConvNeXt's channels-first
/// LayerNorm on [N, C, H, W]).
/// </summary>
public sealed class LayerNorm : Module
{
    public Tensor? Weight { get; }
    public Tensor? Bias { get; }
    public float Eps { get; }
    private readonly int _rank;
    private readonly int[]? _axes;

    public LayerNorm(int[] normalizedShape, float eps = 1e-5f, bool elementwiseAffine = true, int[]? axes = null)
    {
        if (axes != null && axes.Length != normalizedShape.Length) throw new ArgumentException("LayerNorm: one axis per normalised dim.");
        _rank = normalizedShape.Length;
        _axes = axes;
        Eps = eps;
        if (elementwiseAffine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(normalizedShape));
            Bias = RegisterParameter("bias", Tensor.Zeros(normalizedShape));
        }
    }

    public LayerNorm(int normalizedSize, float eps = 1e-5f, bool elementwiseAffine = true, int? axis = null)
        : this(new[] { normalizedSize }, eps, elementwiseAffine, axis is int a ? new[] { a } : null) { }

    public override Tensor Forward(Tensor x) => _axes == null
        ? Functional.LayerNormLast(x, _rank, Weight, Bias, Eps)
        : Functional.LayerNorm(x, _axes, Weight, Bias, Eps);
}

/// <summary>
/// Batch normalisation for [N, C] / [N, C, L] (BatchNorm1d) or [N, C, H, W] (BatchNorm2d) inputs: batch statistics
/// in training (updating running_mean/running_var), running statistics in evaluation.
/// </summary>
public class BatchNorm : Module
{
    public Tensor? Weight { get; }
    public Tensor? Bias { get; }
    public Tensor RunningMean { get; }
    public Tensor RunningVar { get; }
    public float Momentum { get; }
    public float Eps { get; }

    public BatchNorm(int numFeatures, float eps = 1e-5f, float momentum = 0.1f, bool affine = true)
    {
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(numFeatures));
            Bias = RegisterParameter("bias", Tensor.Zeros(numFeatures));
        }
        RunningMean = RegisterBuffer("running_mean", Tensor.Zeros(numFeatures));
        RunningVar = RegisterBuffer("running_var", Tensor.Ones(numFeatures));
        (Eps, Momentum) = (eps, momentum);
    }

    public override Tensor Forward(Tensor x) =>
        Functional.BatchNorm(x, RunningMean, RunningVar, Weight, Bias, Training && !GradMode.IsInference, Momentum, Eps);
}

/// <summary>Batch normalisation over [N, C] or [N, C, L].</summary>
public sealed class BatchNorm1d(int numFeatures, float eps = 1e-5f, float momentum = 0.1f, bool affine = true)
    : BatchNorm(numFeatures, eps, momentum, affine);

/// <summary>Batch normalisation over [N, C, H, W].</summary>
public sealed class BatchNorm2d(int numFeatures, float eps = 1e-5f, float momentum = 0.1f, bool affine = true)
    : BatchNorm(numFeatures, eps, momentum, affine);

/// <summary>Inverted dropout, active in training mode; draws from the shared <see cref="Rng"/> it was given.</summary>
public sealed class Dropout(float p, Rng rng) : Module
{
    public float P { get; } = p;
    public override Tensor Forward(Tensor x) => Functional.Dropout(x, P, Training && !GradMode.IsInference, rng);
}

/// <summary>Stochastic depth on a residual branch (per-sample drop), active in training mode.</summary>
public sealed class DropPath(float p, Rng rng) : Module
{
    public float P { get; } = p;
    public override Tensor Forward(Tensor x) => Functional.DropPath(x, P, Training && !GradMode.IsInference, rng);
}

/// <summary>Applies an elementwise function (activation) as a module.</summary>
public sealed class Activation(Func<Tensor, Tensor> f) : Module
{
    public static Activation Relu() => new(Functional.Relu);
    public static Activation Gelu() => new(Functional.Gelu);
    public static Activation Elu(float alpha = 1f) => new(x => Functional.Elu(x, alpha));
    public static Activation Sigmoid() => new(Functional.Sigmoid);
    public static Activation Tanh() => new(Functional.Tanh);

    public override Tensor Forward(Tensor x) => f(x);
}

/// <summary>Modules applied in order; children are named "0", "1", … as in PyTorch.</summary>
public sealed class Sequential : Module
{
    private readonly List<Module> _layers = new();

    public Sequential(params Module[] layers)
    {
        foreach (var l in layers) Add(l);
    }

    public Sequential Add(Module m)
    {
        RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), m);
        _layers.Add(m);
        return this;
    }

    public int Count => _layers.Count;
    public Module this[int i] => _layers[i];

    public override Tensor Forward(Tensor x)
    {
        foreach (var l in _layers) x = l.Forward(x);
        return x;
    }
}
