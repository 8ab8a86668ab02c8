namespace Groove.Nn.Kernels;

/// <summary>
/// Where the SGEMM driver's left operand comes from: it packs op(A)[ic..ic+mc, pc..pc+kc] · alpha into MR-row
/// micro-panels (<see cref="SgemmPacking"/>'s layout). A dense matrix is one source; an implicit im2col matrix read
/// straight from an image (<see cref="ConvImageRows"/>) is another, so convolutions need no patch buffer.
/// </summary>
internal interface ISgemmPackA
{
    /// <summary>Packs the block into <paramref name="dst"/> (mc rounded up to MR rows; may write
    /// <see cref="SgemmPacking.Slack"/> floats past it).</summary>
    unsafe void Pack<TK>(int ic, int pc, int mc, int kc, float* dst) where TK : struct, ISgemmTile;
}

/// <summary>Where the SGEMM driver's right operand comes from: packs op(B)[pc..pc+kc, jc..jc+nc] into NR-column
/// micro-panels.</summary>
internal interface ISgemmPackB
{
    /// <summary>Packs the block into <paramref name="dst"/> (nc rounded up to NR columns).</summary>
    unsafe void Pack<TK>(int pc, int jc, int kc, int nc, float* dst) where TK : struct, ISgemmTile;
}

/// <summary>A dense row-major op(A) · alpha.</summary>
internal readonly unsafe struct DenseA(bool trans, float* a, int lda, float alpha) : ISgemmPackA
{
    public void Pack<TK>(int ic, int pc, int mc, int kc, float* dst) where TK : struct, ISgemmTile =>
        SgemmPacking.PackA<TK>(trans, a, lda, ic, pc, mc, kc, alpha, dst);
}

/// <summary>A dense row-major op(B).</summary>
internal readonly unsafe struct DenseB(bool trans, float* b, int ldb) : ISgemmPackB
{
    public void Pack<TK>(int pc, int jc, int kc, int nc, float* dst) where TK : struct, ISgemmTile =>
        SgemmPacking.PackB<TK>(trans, b, ldb, pc, jc, kc, nc, dst);
}
