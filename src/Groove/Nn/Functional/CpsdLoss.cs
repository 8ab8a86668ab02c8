namespace Groove.Nn;

public static partial class Functional
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
}
