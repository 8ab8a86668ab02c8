using Groove.Nn;

namespace Groove.Tests.Nn;

/// <summary>Finite-difference gradient checks: compares autograd gradients of L = Σ f(x)·w (w random) with central differences.</summary>
internal static class GradCheck
{
    public static void Check(Func<Tensor[], Tensor> f, Tensor[] inputs, float eps = 1e-2f, float rtol = 2e-2f, float atol = 2e-3f, ulong seed = 7)
    {
        foreach (var x in inputs) x.RequiresGrad = true;
        var outProbe = f(inputs);
        var rng = new Rng(seed);
        var w = Tensor.Randn(rng, outProbe.ShapeArray);
        foreach (var x in inputs) x.Grad = null;
        var loss = (f(inputs) * w).Sum();
        loss.Backward();
        var analytic = inputs.Select(x => x.Grad?.ToArray() ?? new float[x.Size]).ToArray();
        using var _ = GradMode.NoGrad();
        double Eval()
        {
            var o = f(inputs).ToArray(); var ws = w.ToArray();
            double s = 0;
            for (int i = 0; i < o.Length; i++) s += (double)o[i] * ws[i];
            return s;
        }
        for (int k = 0; k < inputs.Length; k++)
        {
            var x = inputs[k];
            var data = x.Span;
            double maxErr = 0; int worst = -1; double worstN = 0, worstA = 0;
            for (int i = 0; i < data.Length; i++)
            {
                float orig = data[i];
                data[i] = orig + eps; double lp = Eval();
                data[i] = orig - eps; double lm = Eval();
                data[i] = orig;
                double num = (lp - lm) / (2 * eps);
                double a = analytic[k][i];
                double err = Math.Abs(a - num) - (atol + rtol * Math.Abs(num));
                if (err > maxErr) { maxErr = err; worst = i; worstN = num; worstA = a; }
            }
            Assert.True(worst < 0, $"input {k}: element {worst} analytic {worstA:G6} vs numeric {worstN:G6}");
        }
    }

    public static Tensor Rand(Rng rng, params int[] shape) => Tensor.Randn(rng, shape);

    /// <summary>Values bounded away from zero (for log, sqrt, abs, div).</summary>
    public static Tensor Positive(Rng rng, params int[] shape)
    {
        var t = Tensor.Uniform(rng, 0.5f, 2f, shape);
        return t;
    }
}
