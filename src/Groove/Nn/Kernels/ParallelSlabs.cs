using System.Runtime.CompilerServices;

namespace Groove.Nn.Kernels;

/// <summary>
/// Splits independent items (planes, channels) into one contiguous slab per core for the memory-bound kernels
/// (pooling, batch normalisation) when there is enough work to pay for waking the engine's worker threads; below that, one slab on
/// the calling thread. Every item is computed by the same code whatever the split, so results do not depend on it.
/// </summary>
internal static unsafe class ParallelSlabs
{
    /// <summary>Below this many elements touched a call stays on the calling thread.</summary>
    public const long Threshold = 1L << 17;

    /// <summary>Calls <paramref name="slab"/>(start, end) over slabs covering [0, <paramref name="count"/>), one slab
    /// per thread of the engine's <see cref="WorkerPool"/> (no oversubscription when nested).</summary>
    public static void For(int count, long elements, Action<int, int> slab)
    {
        int threads = WorkerPool.Shared.Threads;
        if (count < 2 || threads < 2 || elements < Threshold)
        {
            slab(0, count);
            return;
        }
        var job = new SlabJob { Slab = slab, Count = count, Parts = Math.Min(threads, count) };
        WorkerPool.Shared.For(job.Parts, &RunSlab, (nint)Unsafe.AsPointer(ref job));
    }

    /// <summary>The loop's arguments, on the caller's stack while the pool runs the slabs.</summary>
    private struct SlabJob
    {
        public Action<int, int> Slab;
        public int Count, Parts;
    }

    private static void RunSlab(nint state, int t)
    {
        ref SlabJob j = ref Unsafe.AsRef<SlabJob>((void*)state);
        j.Slab((int)((long)j.Count * t / j.Parts), (int)((long)j.Count * (t + 1) / j.Parts));
    }
}
