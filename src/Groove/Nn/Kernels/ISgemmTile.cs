namespace Groove.Nn.Kernels;

/// <summary>
/// A register-blocked SGEMM micro-kernel: one MR×NR tile of C, C = A·B + beta·C, from a packed A micro-panel (kc
/// steps of MR values) and a packed B micro-panel (kc steps of NR values, 64-byte aligned). The driver and the
/// packers are generic over it, so each path gets its own specialised code with MR and NR as constants.
/// </summary>
internal interface ISgemmTile
{
    /// <summary>Rows of C per tile.</summary>
    static abstract int MR { get; }

    /// <summary>Columns of C per tile.</summary>
    static abstract int NR { get; }

    /// <summary>Computes the tile at <paramref name="c"/> (row stride <paramref name="ldc"/>); beta 0 does not read C.</summary>
    static abstract unsafe void Tile(int kc, float* a, float* b, float* c, nint ldc, float beta);
}

/// <summary>The 6×16 AVX2/FMA tile.</summary>
internal readonly struct SgemmTileAvx2 : ISgemmTile
{
    public static int MR => 6;
    public static int NR => 16;
    public static unsafe void Tile(int kc, float* a, float* b, float* c, nint ldc, float beta) =>
        SgemmMicroKernel.Tile6x16Fma(kc, a, b, c, ldc, beta);
}

/// <summary>The portable 6×16 tile.</summary>
internal readonly struct SgemmTileScalar : ISgemmTile
{
    public static int MR => 6;
    public static int NR => 16;
    public static unsafe void Tile(int kc, float* a, float* b, float* c, nint ldc, float beta) =>
        SgemmMicroKernel.Tile6x16Scalar(kc, a, b, c, ldc, beta);
}

/// <summary>The 12×32 AVX-512 tile.</summary>
internal readonly struct SgemmTileAvx512 : ISgemmTile
{
    public static int MR => 12;
    public static int NR => 32;
    public static unsafe void Tile(int kc, float* a, float* b, float* c, nint ldc, float beta) =>
        SgemmTile12x32.Tile(kc, a, b, c, ldc, beta);
}
