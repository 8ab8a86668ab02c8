using System.Numerics.Tensors;
using Groove.Nn.Kernels;

namespace Groove.EngineBench;

/// <summary>
/// A 10-layer bidirectional GRU (20 units per direction, batch-first [64, 430, 256] input), forward and backward,
/// run directly on the engine kernels the way a GRU layer uses them: per layer and direction one Sgemm for the
/// input projections of all steps, <see cref="GruSequence"/> for the recurrence, and Sgemms for the input
/// gradients. The two directions of a layer run concurrently. Same model as torch.nn.GRU(256, 20, num_layers=10,
/// bidirectional=True, batch_first=True) in torch_bench.py; the loss is the sum of the last layer's output.
/// </summary>
sealed class BiGruStack
{
    public const int Batch = 64, Steps = 430, InputSize = 256, Hidden = 20, Layers = 10;
    const int H = Hidden, G = 3 * Hidden, Rows = Batch * Steps;

    sealed class Direction
    {
        public float[] WIh = [], BIh = [], WHh = [], BHh = [];
        public float[] GWIh = [], GBIh = [], GWHh = [], GBHh = [];
        public float[] XGates = new float[Rows * G], Hs = new float[Rows * H], Cache = new float[Rows * GruSequence.CacheWidth * H];
        public float[] GradHs = new float[Rows * H], GradXGates = new float[Rows * G];
    }

    readonly Direction[,] _dirs = new Direction[Layers, 2];
    readonly float[][] _layerIn = new float[Layers + 1][];
    readonly float[] _gradIn;
    readonly float[] _gradOut = new float[Rows * 2 * H];

    public BiGruStack()
    {
        var rng = new Random(13);
        float scale = 1f / MathF.Sqrt(H);
        float[] Rand(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = ((float)rng.NextDouble() * 2 - 1) * scale; return a; }
        for (int l = 0; l < Layers; l++)
        {
            int inF = l == 0 ? InputSize : 2 * H;
            for (int d = 0; d < 2; d++)
                _dirs[l, d] = new Direction
                {
                    WIh = Rand(G * inF), BIh = Rand(G), WHh = Rand(G * H), BHh = Rand(G),
                    GWIh = new float[G * inF], GBIh = new float[G], GWHh = new float[G * H], GBHh = new float[G],
                };
            _layerIn[l + 1] = new float[Rows * 2 * H];
        }
        _layerIn[0] = Rand(Rows * InputSize);
        _gradIn = new float[Rows * 2 * H];
    }

    public void Step()
    {
        for (int l = 0; l < Layers; l++) ForwardLayer(l);
        Array.Fill(_gradOut, 1f); // ∂(Σ out)/∂out
        float[] gradOut = _gradOut;
        for (int l = Layers - 1; l >= 0; l--)
        {
            BackwardLayer(l, gradOut);
            gradOut = _gradIn;
        }
    }

    void ForwardLayer(int l)
    {
        int inF = l == 0 ? InputSize : 2 * H;
        float[] x = _layerIn[l], y = _layerIn[l + 1];
        Parallel.For(0, 2, d =>
        {
            var dir = _dirs[l, d];
            for (int r = 0; r < Rows; r++) dir.BIh.CopyTo(dir.XGates.AsSpan(r * G, G));
            Sgemm.Multiply(false, true, Rows, G, inF, 1f, x, inF, dir.WIh, inF, 1f, dir.XGates, G);
            GruSequence.Forward(Steps, Batch, H, batchFirst: true, reverse: d == 1, dir.XGates, dir.WHh, dir.BHh, [],
                dir.Hs, dir.Cache);
        });
        for (int r = 0; r < Rows; r++)
        {
            _dirs[l, 0].Hs.AsSpan(r * H, H).CopyTo(y.AsSpan(r * 2 * H, H));
            _dirs[l, 1].Hs.AsSpan(r * H, H).CopyTo(y.AsSpan(r * 2 * H + H, H));
        }
    }

    void BackwardLayer(int l, float[] gradOut)
    {
        int inF = l == 0 ? InputSize : 2 * H;
        float[] x = _layerIn[l];
        for (int r = 0; r < Rows; r++)
        {
            gradOut.AsSpan(r * 2 * H, H).CopyTo(_dirs[l, 0].GradHs.AsSpan(r * H, H));
            gradOut.AsSpan(r * 2 * H + H, H).CopyTo(_dirs[l, 1].GradHs.AsSpan(r * H, H));
        }
        Parallel.For(0, 2, d =>
        {
            var dir = _dirs[l, d];
            GruSequence.Backward(Steps, Batch, H, batchFirst: true, reverse: d == 1, dir.WHh, [], dir.Hs, dir.Cache,
                dir.GradHs, [], dir.GradXGates, dir.GWHh, dir.GBHh, []);
            Sgemm.Multiply(true, false, G, inF, Rows, 1f, dir.GradXGates, G, x, inF, 0f, dir.GWIh, inF);
            Array.Clear(dir.GBIh);
            for (int r = 0; r < Rows; r++) TensorPrimitives.Add(dir.GBIh, dir.GradXGates.AsSpan(r * G, G), dir.GBIh);
        });
        if (l == 0) return; // torch does not compute the gradient of the (non-trainable) input either
        Sgemm.Multiply(false, false, Rows, inF, G, 1f, _dirs[l, 0].GradXGates, G, _dirs[l, 0].WIh, inF, 0f, _gradIn, inF);
        Sgemm.Multiply(false, false, Rows, inF, G, 1f, _dirs[l, 1].GradXGates, G, _dirs[l, 1].WIh, inF, 1f, _gradIn, inF);
    }
}
