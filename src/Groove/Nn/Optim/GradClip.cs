using System.Numerics.Tensors;

namespace Groove.Nn;

/// <summary>Gradient clipping.</summary>
public static class GradClip
{
    /// <summary>Scales all gradients so their joint L2 norm is at most <paramref name="maxNorm"/>; returns the norm before clipping.</summary>
    public static float ClipGlobalNorm(IEnumerable<Tensor> parameters, float maxNorm)
    {
        var ps = parameters.Where(p => p.Grad != null).ToList();
        double sq = 0;
        foreach (var p in ps)
        {
            var g = p.Grad!.Contiguous().RawSpan;
            sq += TensorPrimitives.Dot(g, g);
        }
        float norm = (float)Math.Sqrt(sq);
        float coef = maxNorm / (norm + 1e-6f);
        if (coef < 1f)
            foreach (var p in ps) p.Grad = ScaleGrad(p.Grad!, coef);
        return norm;
    }

    /// <summary>Clips each parameter's gradient to L2 norm at most <paramref name="maxNorm"/> separately.</summary>
    public static void ClipPerParameterNorm(IEnumerable<Tensor> parameters, float maxNorm)
    {
        foreach (var p in parameters)
        {
            if (p.Grad == null) continue;
            var g = p.Grad.Contiguous().RawSpan;
            float norm = MathF.Sqrt(TensorPrimitives.Dot(g, g));
            float coef = maxNorm / (norm + 1e-6f);
            if (coef < 1f) p.Grad = ScaleGrad(p.Grad, coef);
        }
    }

    /// <summary>Clamps every gradient element to [−clip, clip].</summary>
    public static void ClipValue(IEnumerable<Tensor> parameters, float clip)
    {
        foreach (var p in parameters)
        {
            if (p.Grad == null) continue;
            var g = p.Grad.Contiguous();
            var s = g.RawSpan;
            TensorPrimitives.Max(s, -clip, s);
            TensorPrimitives.Min(s, clip, s);
            p.Grad = g;
        }
    }

    private static Tensor ScaleGrad(Tensor g, float coef)
    {
        var c = g.Contiguous();
        TensorPrimitives.Multiply(c.RawSpan, coef, c.RawSpan);
        return c;
    }
}
