namespace Groove.Nn;

/// <summary>A set of parameters sharing a learning rate and weight decay.</summary>
public sealed class ParamGroup
{
    public IReadOnlyList<(string Name, Tensor Param)> Params { get; }
    /// <summary>Learning rate before any schedule factor.</summary>
    public float BaseLr { get; set; }
    /// <summary>Learning rate used by the next step (BaseLr × the schedule's factor).</summary>
    public float Lr { get; set; }
    public float WeightDecay { get; set; }

    public ParamGroup(IEnumerable<(string Name, Tensor Param)> parameters, float lr, float weightDecay = 0f)
    {
        Params = parameters.ToList();
        BaseLr = Lr = lr;
        WeightDecay = weightDecay;
    }

    /// <summary>
    /// Two groups: weights with decay, and biases plus every 1-D parameter (norm scales/shifts) without, as is
    /// usual for AdamW.
    /// </summary>
    public static ParamGroup[] DecayAndNoDecay(Module module, float lr, float weightDecay)
    {
        var all = module.NamedParameters().ToList();
        bool NoDecay((string Name, Tensor Param) p) => p.Param.Rank <= 1 || p.Name.EndsWith("bias", StringComparison.Ordinal);
        return new[]
        {
            new ParamGroup(all.Where(p => !NoDecay(p)), lr, weightDecay),
            new ParamGroup(all.Where(NoDecay), lr, 0f),
        };
    }
}

/// <summary>Base of the optimisers: parameter groups, a step counter and named state tensors for checkpoints.</summary>
public abstract class Optimizer
{
    public IReadOnlyList<ParamGroup> Groups { get; }

    /// <summary>Number of completed <see cref="Step"/> calls.</summary>
    public long StepCount { get; protected set; }

    protected Optimizer(IEnumerable<ParamGroup> groups)
    {
        Groups = groups.ToList();
        var names = new HashSet<string>();
        foreach (var g in Groups)
            foreach (var (n, _) in g.Params)
                if (!names.Add(n)) throw new ArgumentException($"Parameter '{n}' appears in more than one group.");
    }

    /// <summary>Updates every parameter that has a gradient.</summary>
    public abstract void Step();

    /// <summary>Zeroes every gradient in place (keeping the buffers, so steady training allocates none).</summary>
    public void ZeroGrad()
    {
        foreach (var g in Groups) foreach (var (_, p) in g.Params) Tensor.ZeroGradOf(p);
    }

    /// <summary>Sets each group's Lr to BaseLr × <paramref name="factor"/>.</summary>
    public void SetLrFactor(float factor)
    {
        foreach (var g in Groups) g.Lr = g.BaseLr * factor;
    }

    /// <summary>State tensors by name (e.g. "exp_avg.fc.weight"), the live tensors themselves.</summary>
    public abstract IEnumerable<(string Name, Tensor State)> StateTensors();

    /// <summary>Restores state saved by <see cref="StateTensors"/> and the step count.</summary>
    public void LoadState(IReadOnlyDictionary<string, Tensor> state, long stepCount)
    {
        foreach (var (name, t) in StateTensors())
        {
            if (!state.TryGetValue(name, out var src)) throw new GrooveException($"checkpoint lacks optimiser state {name}");
            if (!ShapeUtil.SameShape(src.Shape, t.Shape)) throw new GrooveException($"checkpoint optimiser state {name} has the wrong shape");
            t.CopyFrom(src);
        }
        StepCount = stepCount;
        OnStateLoaded(state);
    }

    protected virtual void OnStateLoaded(IReadOnlyDictionary<string, Tensor> state) { }
}
