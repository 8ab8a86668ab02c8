namespace Groove.Nn;

public static partial class Functional
{
    /// <summary>
    /// The self-supervised mode loss of 24-STONE (Kong et al., "STONE: Self-supervised tonality estimator",
    /// ISMIR 2024): transposition and a change of excerpt within a track keep the mode, so the probabilities of major
    /// m_A, m_B, m_A′ [B] of excerpts A, B and the transposed A′ should agree. With the binary cross-entropy
    /// H(p, q) = −p·log q − (1 − p)·log(1 − q):
    /// <para>L = mean_b ( H(m_A, m_A′) + H(m_A, m_B) + ½·H(m_B, m_A′) + ½·H(m_A′, m_B) ),</para>
    /// with gradients through both arguments (the weights follow the paper's published code). Its minimum is reached
    /// when all three agree and are confident (0 or 1); it does not say which column is major, which labels or a
    /// calibration decide.
    /// <para>The paper clamps the logs at −100. In float32 1 − q is either 0 or at least 2⁻²⁴, and at an exact 0 the
    /// clamped log has a 0/0 gradient, so here q is clamped to [2⁻²⁴, 1 − 2⁻²⁴] before the logs (log ≥ −16.6):
    /// the same values for q in that range, a bounded loss and finite gradients everywhere.</para>
    /// </summary>
    public static Tensor ModeConsistencyLoss(Tensor majorA, Tensor majorB, Tensor majorTransposed)
    {
        if (majorA.Rank != 1 || !ShapeUtil.SameShape(majorA.Shape, majorB.Shape) || !ShapeUtil.SameShape(majorA.Shape, majorTransposed.Shape))
            throw new ArgumentException($"mode loss: expects three [B] tensors, got {ShapeUtil.Str(majorA.Shape)}, {ShapeUtil.Str(majorB.Shape)}, {ShapeUtil.Str(majorTransposed.Shape)}.");
        const float Epsilon = 1f / (1 << 24);
        return H(majorA, majorTransposed) + H(majorA, majorB) + 0.5f * H(majorB, majorTransposed) + 0.5f * H(majorTransposed, majorB);

        static Tensor H(Tensor p, Tensor q)
        {
            var qc = q.Clamp(Epsilon, 1f - Epsilon);
            var lq = qc.Log();
            var lnq = (1f - qc).Log();
            return -(p * lq + (1f - p) * lnq).Mean();
        }
    }
}
