namespace Groove.Nn.Kernels;

/// <summary>
/// Splits independent items (planes, channels) into one contiguous slab per core for the memory-bound kernels
/// (pooling, batch normalisation) when there is enough work to pay for waking the thread pool; below that, one slab on
/// the calling thread. Every item is computed by the same code whatever the split, so results do not depend on it.
/// </summary>
internal static class ParallelSlabs
{
    /// <summary>Below this many elements touched a call stays on the calling thread.</summary>
    public const long Threshold = 1L << 17;

    /// <summary>Calls <paramref name="slab"/>(start, end) over slabs covering [0, <paramref name="count"/>).</summary>
    public static void For(int count, long elements, Action<int, int> slab)
    {
        int threads = Environment.ProcessorCount;
        if (count < 2 || threads < 2 || elements < Threshold)
        {
            slab(0, count);
            return;
        }
        int parts = Math.Min(threads, count);
        Parallel.For(0, parts, t => slab((int)((long)count * t / parts), (int)((long)count * (t + 1) / parts)));
    }
}
