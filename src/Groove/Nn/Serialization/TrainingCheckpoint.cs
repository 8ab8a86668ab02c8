using System.Globalization;

namespace Groove.Nn;

/// <summary>
/// Complete training state in one safetensors file: model parameters and buffers ("model.*"), optimiser state
/// ("optim.*"), the optimiser step and the state of named random generators (metadata), so that training resumed
/// from a checkpoint continues bit-for-bit as if it had not stopped.
/// </summary>
public static class TrainingCheckpoint
{
    public static void Save(string path, Module model, Optimizer optimizer, IReadOnlyDictionary<string, Rng> rngs,
        IReadOnlyDictionary<string, string>? extraMetadata = null)
    {
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (n, t) in model.StateDict()) tensors["model." + n] = t;
        foreach (var (n, t) in optimizer.StateTensors()) tensors["optim." + n] = t;
        var meta = new Dictionary<string, string>
        {
            ["format"] = "groove.training.v1",
            ["optimizer_step"] = optimizer.StepCount.ToString(CultureInfo.InvariantCulture),
        };
        for (int gi = 0; gi < optimizer.Groups.Count; gi++)
            meta[$"group{gi}.base_lr"] = optimizer.Groups[gi].BaseLr.ToString("R", CultureInfo.InvariantCulture);
        foreach (var (n, r) in rngs)
            meta["rng." + n] = string.Join(",", r.GetState().Select(s => s.ToString("x16", CultureInfo.InvariantCulture)));
        if (extraMetadata != null)
            foreach (var (k, v) in extraMetadata) meta["user." + k] = v;
        SafeTensors.Save(path, tensors, meta);
    }

    /// <summary>Restores a checkpoint written by <see cref="Save"/>; returns the user metadata.</summary>
    public static Dictionary<string, string> Load(string path, Module model, Optimizer optimizer, IReadOnlyDictionary<string, Rng> rngs)
    {
        var (tensors, meta) = SafeTensors.Load(path);
        if (!meta.TryGetValue("format", out var fmt) || fmt != "groove.training.v1")
            throw new GrooveException($"{path}: not a Groove training checkpoint");
        model.LoadStateDict(tensors.Where(kv => kv.Key.StartsWith("model.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["model.".Length..], kv => kv.Value));
        var optState = tensors.Where(kv => kv.Key.StartsWith("optim.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["optim.".Length..], kv => kv.Value);
        if (!meta.TryGetValue("optimizer_step", out var stepText) || !long.TryParse(stepText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var step))
            throw new GrooveException($"{path}: checkpoint lacks the optimiser step");
        optimizer.LoadState(optState, step);
        for (int gi = 0; gi < optimizer.Groups.Count; gi++)
            if (meta.TryGetValue($"group{gi}.base_lr", out var lr)) optimizer.Groups[gi].BaseLr = float.Parse(lr, CultureInfo.InvariantCulture);
        foreach (var (n, r) in rngs)
        {
            if (!meta.TryGetValue("rng." + n, out var s)) throw new GrooveException($"{path}: checkpoint lacks random generator state '{n}'");
            var words = s.Split(',');
            var state = new ulong[words.Length];
            for (int i = 0; i < words.Length; i++)
                if (!ulong.TryParse(words[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out state[i]))
                    throw new GrooveException($"{path}: malformed random generator state '{n}'");
            if (state.Length != 4 || state.All(w => w == 0)) throw new GrooveException($"{path}: malformed random generator state '{n}'");
            r.SetState(state);
        }
        return meta.Where(kv => kv.Key.StartsWith("user.", StringComparison.Ordinal)).ToDictionary(kv => kv.Key[5..], kv => kv.Value);
    }
}
