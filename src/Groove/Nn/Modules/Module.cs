namespace Groove.Nn;

/// <summary>
/// Base of every layer: owns named parameters (trainable tensors), buffers (state such as BatchNorm running
/// statistics) and child modules, and carries the train/eval flag. Names are dotted paths like PyTorch's
/// state_dict keys ("encoder.0.weight").
/// </summary>
public abstract class Module
{
    private readonly List<(string Name, Tensor Tensor)> _parameters = new();
    private readonly List<(string Name, Tensor Tensor)> _buffers = new();
    private readonly List<(string Name, Module Module)> _children = new();

    /// <summary>True in training mode (dropout active, batch statistics), false in evaluation mode.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Applies the module to one input. Modules with other signatures (e.g. GRU state) add their own methods.</summary>
    public virtual Tensor Forward(Tensor x) => throw new NotSupportedException($"{GetType().Name} has no single-input Forward.");

    protected Tensor RegisterParameter(string name, Tensor t)
    {
        CheckName(name);
        t.RequiresGrad = true;
        _parameters.Add((name, t));
        return t;
    }

    protected Tensor RegisterBuffer(string name, Tensor t)
    {
        CheckName(name);
        _buffers.Add((name, t));
        return t;
    }

    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name);
        _children.Add((name, module));
        return module;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.')) throw new ArgumentException($"Invalid member name '{name}'.");
        if (_parameters.Any(p => p.Name == name) || _buffers.Any(p => p.Name == name) || _children.Any(p => p.Name == name))
            throw new ArgumentException($"Duplicate member name '{name}'.");
    }

    /// <summary>Every trainable parameter with its dotted name, in registration order (depth first).</summary>
    public IEnumerable<(string Name, Tensor Tensor)> NamedParameters(string prefix = "")
    {
        foreach (var (n, t) in _parameters) yield return (prefix + n, t);
        foreach (var (n, m) in _children)
            foreach (var p in m.NamedParameters(prefix + n + ".")) yield return p;
    }

    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Tensor);

    /// <summary>Every buffer with its dotted name.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> NamedBuffers(string prefix = "")
    {
        foreach (var (n, t) in _buffers) yield return (prefix + n, t);
        foreach (var (n, m) in _children)
            foreach (var p in m.NamedBuffers(prefix + n + ".")) yield return p;
    }

    public IEnumerable<(string Name, Module Module)> NamedChildren() => _children;

    /// <summary>Parameters and buffers by dotted name (the tensors themselves, not copies).</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var d = new Dictionary<string, Tensor>();
        foreach (var (n, t) in NamedParameters()) d[n] = t;
        foreach (var (n, t) in NamedBuffers()) d[n] = t;
        return d;
    }

    /// <summary>
    /// Copies values into parameters and buffers. With <paramref name="strict"/>, missing or unexpected names are
    /// errors (PyTorch's integer "num_batches_tracked" counters are ignored). Shapes must match.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        var mine = StateDict();
        if (strict)
        {
            var missing = mine.Keys.Where(k => !state.ContainsKey(k)).ToList();
            var extra = state.Keys.Where(k => !mine.ContainsKey(k) && !k.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToList();
            if (missing.Count > 0) throw new GrooveException($"checkpoint lacks {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", …" : "")}");
            if (extra.Count > 0) throw new GrooveException($"checkpoint has unexpected {string.Join(", ", extra.Take(5))}{(extra.Count > 5 ? ", …" : "")}");
        }
        foreach (var (name, t) in mine)
        {
            if (!state.TryGetValue(name, out var src)) continue;
            if (src.Size != t.Size || !ShapeUtil.SameShape(src.Shape, t.Shape))
                throw new GrooveException($"checkpoint tensor {name} has shape {ShapeUtil.Str(src.Shape)}, model expects {ShapeUtil.Str(t.Shape)}");
            t.CopyFrom(src);
        }
    }

    /// <summary>Sets training mode here and in every child.</summary>
    public Module Train(bool training = true)
    {
        Training = training;
        foreach (var (_, m) in _children) m.Train(training);
        return this;
    }

    public Module Eval() => Train(false);

    /// <summary>Zeroes the gradients of every parameter in place.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) Tensor.ZeroGradOf(p);
    }

    /// <summary>Number of trainable scalars.</summary>
    public long ParameterCount() => Parameters().Sum(p => (long)p.Size);

    /// <summary>PyTorch's default initialisation bound 1/√fan_in (kaiming_uniform with a = √5 for weights).</summary>
    protected static Tensor UniformInit(Rng rng, int fanIn, params int[] shape)
    {
        float bound = fanIn > 0 ? 1f / MathF.Sqrt(fanIn) : 0f;
        return Tensor.Uniform(rng, -bound, bound, shape);
    }
}
