using Groove.Nn;

namespace Groove.Tonality.Stone;

/// <summary>STONE's training losses (Kong et al., ISMIR 2024), beside the model they train; built from <see cref="Tensor"/> ops.</summary>
public static class StoneLosses
{
    /// <summary>
    /// Projects 12-bin distributions y [B, 12] onto the unit circle: Y = Σ_q y_q·exp(2πi·ω·q), returned as
    /// (Re Y, Im Y), each [B]. With ω = 7/12 semitone steps become steps on the circle of fifths; ω = 1/12 keeps the
    /// chromatic circle.
    /// </summary>
    public static (Tensor Re, Tensor Im) CircleProjection(Tensor y, double omega = 7.0 / 12.0)
    {
        int bins = y.Dim(-1);
        var cos = new float[bins]; var sin = new float[bins];
        for (int q = 0; q < bins; q++)
        {
            double a = 2 * Math.PI * omega * q;
            cos[q] = (float)Math.Cos(a); sin[q] = (float)Math.Sin(a);
        }
        var re = y.Matmul(Tensor.From(cos, bins, 1)).Squeeze(-1);
        var im = y.Matmul(Tensor.From(sin, bins, 1)).Squeeze(-1);
        return (re, im);
    }

    /// <summary>
    /// STONE's cross-power-spectral-density loss (Kong, Meseguer-Brocal, Lostanlen, Lagrange &amp; Hennequin,
    /// "STONE: Self-supervised tonality estimator", ISMIR 2024), as implemented here:
    /// <para>For key-signature distributions y [B, 12], Y(y) = Σ_q y_q·e^{2πiωq} and the cross-power spectral
    /// density of two distributions is R(u, v) = Y(u)·conj(Y(v)). If v is u circularly shifted by k bins
    /// (v_q = u_{q−k}), then Y(v) = e^{2πiωk}·Y(u), so R(v, u) = e^{2πiωk}·|Y(u)|², which equals e^{2πiωk} exactly
    /// when u is one-hot (|Y| = 1). The loss therefore asks for confident (one-hot) outputs that agree between two
    /// excerpts A and B of the same piece and rotate by the known transposition for the transposed excerpt A′:</para>
    /// <para>L = mean_b ( |R(A, B) − 1|² + |R(A′, A) − e^{2πiωk}|² + |R(A′, B) − e^{2πiωk}|² ).</para>
    /// <paramref name="shifts"/>[b] is k for sample b: A′ is A transposed up by k semitones, which shifts its
    /// 12-bin output by +k bins.
    /// </summary>
    public static Tensor CpsdLoss(Tensor yA, Tensor yB, Tensor yTransposed, int[] shifts, double omega = 7.0 / 12.0)
    {
        int b = yA.Dim(0);
        if (shifts.Length != b) throw new ArgumentException($"CPSD loss: {shifts.Length} shifts for a batch of {b}.");
        var (ar, ai) = CircleProjection(yA, omega);
        var (br, bi) = CircleProjection(yB, omega);
        var (tr, ti) = CircleProjection(yTransposed, omega);
        var er = new float[b]; var ei = new float[b];
        for (int i = 0; i < b; i++)
        {
            double a = 2 * Math.PI * omega * shifts[i];
            er[i] = (float)Math.Cos(a); ei[i] = (float)Math.Sin(a);
        }
        var targetRe = Tensor.From(er, b); var targetIm = Tensor.From(ei, b);
        var one = Tensor.Ones(b); var zero = Tensor.Zeros(b);
        return (Term(ar, ai, br, bi, one, zero) + Term(tr, ti, ar, ai, targetRe, targetIm) + Term(tr, ti, br, bi, targetRe, targetIm)).Mean();

        // |u·conj(v) − target|² with u·conj(v) = (ur·vr + ui·vi) + i(ui·vr − ur·vi).
        static Tensor Term(Tensor ur, Tensor ui, Tensor vr, Tensor vi, Tensor tRe, Tensor tIm)
        {
            var rr = ur * vr + ui * vi;
            var ri = ui * vr - ur * vi;
            return (rr - tRe).Square() + (ri - tIm).Square();
        }
    }

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
