namespace Groove.Nn;

/// <summary>
/// Multi-layer, optionally bidirectional GRU with PyTorch's parameter names and layouts (weight_ih_l{k}[_reverse]
/// [3H, in], weight_hh_l{k} [3H, H], bias_ih/bias_hh [3H], gate order r, z, n). Inputs are batch-first [B, T, F]
/// unless <c>batchFirst</c> is false ([T, B, F]). Dropout applies between layers in training mode.
/// Keras weights (gate order z, r, h; kernel [in, 3H]) load with <see cref="LoadKerasLayer"/>.
/// </summary>
public sealed class Gru : Module
{
    public int InputSize { get; }
    public int HiddenSize { get; }
    public int NumLayers { get; }
    public bool Bidirectional { get; }
    public bool BatchFirst { get; }
    public float DropoutP { get; }
    public GruVariant Variant { get; }
    private readonly Rng _rng;
    private readonly Tensor[][] _w; // [layer*dirs + dir] = { wIh, wHh, bIh?, bHh? }

    public Gru(int inputSize, int hiddenSize, Rng rng, int numLayers = 1, bool bidirectional = false, bool batchFirst = true,
        float dropout = 0f, bool bias = true, GruVariant variant = GruVariant.ResetAfter)
    {
        (InputSize, HiddenSize, NumLayers, Bidirectional, BatchFirst, DropoutP, Variant, _rng) =
            (inputSize, hiddenSize, numLayers, bidirectional, batchFirst, dropout, variant, rng);
        int dirs = bidirectional ? 2 : 1;
        _w = new Tensor[numLayers * dirs][];
        for (int l = 0; l < numLayers; l++)
            for (int d = 0; d < dirs; d++)
            {
                int inp = l == 0 ? inputSize : hiddenSize * dirs;
                string sfx = $"_l{l}{(d == 1 ? "_reverse" : "")}";
                var wIh = RegisterParameter("weight_ih" + sfx, UniformInit(rng, hiddenSize, 3 * hiddenSize, inp));
                var wHh = RegisterParameter("weight_hh" + sfx, UniformInit(rng, hiddenSize, 3 * hiddenSize, hiddenSize));
                if (bias)
                {
                    var bIh = RegisterParameter("bias_ih" + sfx, UniformInit(rng, hiddenSize, 3 * hiddenSize));
                    var bHh = RegisterParameter("bias_hh" + sfx, UniformInit(rng, hiddenSize, 3 * hiddenSize));
                    _w[l * dirs + d] = new[] { wIh, wHh, bIh, bHh };
                }
                else _w[l * dirs + d] = new[] { wIh, wHh };
            }
    }

    public override Tensor Forward(Tensor x) => Run(x, null).Output;

    /// <summary>
    /// Runs the GRU. h0 is [layers·dirs, B, H] or null (zeros). Returns the top layer's states for every step
    /// [B, T, dirs·H] (or [T, B, dirs·H]) and the final state of each layer and direction [layers·dirs, B, H].
    /// </summary>
    public (Tensor Output, Tensor HiddenN) Run(Tensor x, Tensor? h0)
    {
        if (x.Rank != 3 || x.Dim(2) != InputSize) throw new ArgumentException($"GRU expects [B, T, {InputSize}], got {ShapeUtil.Str(x.Shape)}.");
        if (!BatchFirst) x = x.Transpose(0, 1);
        int dirs = Bidirectional ? 2 : 1, T = x.Dim(1);
        var finals = new List<Tensor>();
        var layerIn = x;
        for (int l = 0; l < NumLayers; l++)
        {
            var h = new Tensor?[dirs];
            for (int d = 0; d < dirs; d++) h[d] = h0?.Narrow(0, l * dirs + d, 1).Squeeze(0);
            var wf = _w[l * dirs];
            if (dirs == 1)
                layerIn = Functional.GruLayer(layerIn, wf[0], wf[1], wf.Length > 2 ? wf[2] : null, wf.Length > 2 ? wf[3] : null, h[0], reverse: false, Variant);
            else
            {
                var wr = _w[l * dirs + 1];
                layerIn = Functional.BiGruLayer(layerIn,
                    wf[0], wf[1], wf.Length > 2 ? wf[2] : null, wf.Length > 2 ? wf[3] : null, h[0],
                    wr[0], wr[1], wr.Length > 2 ? wr[2] : null, wr.Length > 2 ? wr[3] : null, h[1], Variant);
            }
            int hs = HiddenSize;
            finals.Add(layerIn.Narrow(1, T - 1, 1).Narrow(2, 0, hs).Squeeze(1));
            if (dirs == 2) finals.Add(layerIn.Narrow(1, 0, 1).Narrow(2, hs, hs).Squeeze(1));
            if (l < NumLayers - 1 && DropoutP > 0) layerIn = Functional.Dropout(layerIn, DropoutP, Training && !GradMode.IsInference, _rng);
        }
        var output = BatchFirst ? layerIn : layerIn.Transpose(0, 1);
        return (output, Tensor.Stack(finals, 0));
    }

    /// <summary>
    /// Loads one Keras GRU layer's weights (kernel [in, 3H], recurrent_kernel [H, 3H], bias [3H] or [2, 3H], gate
    /// order z, r, h) into layer <paramref name="layer"/>, direction <paramref name="direction"/>. A [3H] bias
    /// (reset_after=False) goes to bias_ih; bias_hh is zeroed.
    /// </summary>
    public void LoadKerasLayer(int layer, int direction, Tensor kernel, Tensor recurrentKernel, Tensor? bias)
    {
        int dirs = Bidirectional ? 2 : 1, H = HiddenSize;
        var w = _w[layer * dirs + direction];
        using var _ = GradMode.NoGrad();
        w[0].CopyFrom(Reorder(kernel.Transpose(0, 1).Contiguous(), H));
        w[1].CopyFrom(Reorder(recurrentKernel.Transpose(0, 1).Contiguous(), H));
        if (w.Length > 2)
        {
            if (bias == null) { w[2].ZeroInPlace(); w[3].ZeroInPlace(); }
            else if (bias.Rank == 1) { w[2].CopyFrom(Reorder(bias.Unsqueeze(1), H)); w[3].ZeroInPlace(); }
            else
            {
                w[2].CopyFrom(Reorder(bias.Narrow(0, 0, 1).Reshape(3 * H, 1), H));
                w[3].CopyFrom(Reorder(bias.Narrow(0, 1, 1).Reshape(3 * H, 1), H));
            }
        }

        // Keras rows (z, r, h) → PyTorch rows (r, z, n).
        static Tensor Reorder(Tensor rows, int h) =>
            Tensor.Concat(new[] { rows.Narrow(0, h, h), rows.Narrow(0, 0, h), rows.Narrow(0, 2 * h, h) }, 0);
    }
}
