using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Groove.Nn.Kernels;

/// <summary>
/// Which vector code paths Groove's kernels dispatch to in this process. The runtime decides once at start-up
/// from the CPU and the <c>DOTNET_Enable*</c> settings (<c>DOTNET_EnableAVX512=0</c>, <c>DOTNET_EnableAVX2=0</c>,
/// <c>DOTNET_EnableHWIntrinsic=0</c> for the scalar fallbacks), so every value here is the same for the whole run.
/// Each property reads the same condition its kernel branches on. <c>groove info</c> prints them.
/// </summary>
public static class VectorPaths
{
    /// <summary>The widest vector instruction set the runtime uses: "AVX-512", "AVX2+FMA", "AVX", "SSE" or
    /// "scalar" (hardware intrinsics off or absent).</summary>
    public static string Cpu =>
        Vector512.IsHardwareAccelerated ? "AVX-512"
        : Avx2.IsSupported && Fma.IsSupported ? "AVX2+FMA"
        : Avx.IsSupported ? "AVX"
        : Vector128.IsHardwareAccelerated ? "SSE"
        : "scalar";

    /// <summary>The matrix multiply (<see cref="Sgemm"/>) and the convolutions built on it: the 12×32 AVX-512
    /// micro-kernel, the 6×16 AVX2+FMA one or the portable one (<see cref="SimdPaths.Best"/>).</summary>
    public static string Sgemm => SimdPaths.Best switch
    {
        SimdPath.Avx512 => "AVX-512",
        SimdPath.Avx2Fma => "AVX2+FMA",
        _ => "scalar",
    };

    /// <summary>The FFT butterflies (<see cref="Groove.Dsp.RealFft"/>): 8-lane vectors (with FMA where the CPU has it)
    /// or the portable passes.</summary>
    public static string Fft =>
        Vector256.IsHardwareAccelerated ? (Fma.IsSupported ? "AVX2+FMA" : "AVX2") : "scalar";

    /// <summary>The neural-engine span kernels (GRU products and cell, activations): 16-lane vectors on the AVX-512
    /// path, 8-lane on AVX2+FMA, or scalar (<see cref="SimdPaths.Best"/>).</summary>
    public static string NnKernels => Sgemm;

    /// <summary>The width System.Numerics.Tensors uses for sums, dot products and element-wise operations:
    /// "AVX-512", "AVX2", "SSE" or "scalar". Sums and dot products add in a different order at each width, so
    /// their last bits differ between CPUs.</summary>
    public static string TensorOps =>
        Vector512.IsHardwareAccelerated ? "AVX-512"
        : Vector256.IsHardwareAccelerated ? "AVX2"
        : Vector128.IsHardwareAccelerated ? "SSE"
        : "scalar";
}
