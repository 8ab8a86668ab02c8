using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Groove.Nn.Kernels;

/// <summary>The vector instruction sets the engine's SGEMM (and the convolutions built on it) can run on.</summary>
internal enum SimdPath
{
    /// <summary>Plain scalar loops: any CPU, also under <c>DOTNET_EnableHWIntrinsic=0</c>.</summary>
    Scalar,
    /// <summary>256-bit AVX2 with FMA: a 6×16 register tile.</summary>
    Avx2Fma,
    /// <summary>512-bit AVX-512F: a 12×32 register tile, written with <see cref="System.Runtime.Intrinsics.Vector512{T}"/>
    /// (which runs in software where AVX-512 is missing, so tests can check this path's logic on any CPU).</summary>
    Avx512,
}

/// <summary>Chooses the SIMD path once, at start-up, from what the CPU (and the runtime's settings) offer.</summary>
internal static class SimdPaths
{
    /// <summary>The fastest path this process can run in hardware (immutable after start-up). AVX-512 is taken only
    /// where the runtime reports 512-bit vectors as accelerated (it does not on CPUs that slow down under them), and
    /// not under <c>DOTNET_EnableAVX512=0</c>.</summary>
    public static SimdPath Best { get; } =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Fma.IsSupported ? SimdPath.Avx512
        : Avx2.IsSupported && Fma.IsSupported ? SimdPath.Avx2Fma
        : SimdPath.Scalar;

    /// <summary>Whether <paramref name="path"/> can run here at all: the AVX2 kernel needs the hardware (its
    /// intrinsics throw otherwise); the scalar and the <see cref="SimdPath.Avx512"/> kernels run anywhere, the
    /// latter in software when AVX-512 is missing (slow: for tests only).</summary>
    public static bool CanRun(SimdPath path) => path != SimdPath.Avx2Fma || (Avx2.IsSupported && Fma.IsSupported);

    /// <summary>Short name for bench output: scalar, avx2+fma, avx512f.</summary>
    public static string Name(SimdPath path) => path switch
    {
        SimdPath.Avx2Fma => "avx2+fma",
        SimdPath.Avx512 => "avx512f",
        _ => "scalar",
    };
}
