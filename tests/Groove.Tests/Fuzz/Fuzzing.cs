using System.Diagnostics;
using CsCheck;

namespace Groove.Tests.Fuzz;

/// <summary>
/// Shared machinery of the parser fuzz tests: random inputs and mutations of a valid one, each parsed under three
/// rules — only <see cref="GrooveException"/> may escape, no input may take long (a hang), and none may allocate
/// much more than the parser's legitimate output (a header claiming 2^40 elements must be refused, not allocated).
/// </summary>
internal static class Fuzzing
{
    /// <summary>More than any legitimate output of these small inputs (a few KB) could need, far less than a lying
    /// header would make a careless parser allocate.</summary>
    public const long AllocationLimitBytes = 64L << 20;

    /// <summary>A parse of a few KB takes microseconds; this much is a hang (or a loop over a claimed size).</summary>
    public static readonly TimeSpan PerInputLimit = TimeSpan.FromSeconds(2);

    /// <summary>Inputs per property: enough to reach every header field of these formats in mutations, and a few
    /// seconds in all on one core.</summary>
    public const long Iterations = 400;

    /// <summary>Random bytes: mostly junk, which must be refused cleanly.</summary>
    public static Gen<byte[]> RandomBytes(int maxLength = 600) => Gen.Byte.Array[0, maxLength];

    /// <summary>Mutations of <paramref name="valid"/>: byte changes, little-endian 32/64-bit fields overwritten with
    /// extreme values (0, −1, 2^31, 2^40...), truncation and appended junk.</summary>
    public static Gen<byte[]> Mutations(byte[] valid) =>
        Gen.Select(Gen.Int[1, 6], Gen.Int, (count, seed) => Mutate(valid, count, seed));

    private static readonly ulong[] Extremes = [0, 1, 0x7F, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 1UL << 40, ulong.MaxValue, 0x7FFF_FFFF_FFFF_FFFF];

    internal static byte[] Mutate(byte[] valid, int count, int seed)
    {
        var rng = new Random(seed);
        var bytes = (byte[])valid.Clone();
        for (int k = 0; k < count; k++)
        {
            switch (rng.Next(5))
            {
                case 0:
                    if (bytes.Length > 0) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
                    break;
                case 1:
                case 2:
                    if (bytes.Length >= 8)
                    {
                        int at = rng.Next(bytes.Length - 7) & ~1;
                        BitConverter.TryWriteBytes(bytes.AsSpan(at, 8), Extremes[rng.Next(Extremes.Length)]);
                        if (rng.Next(2) == 0) bytes.AsSpan(at + 4, 4).Clear(); // a 32-bit field
                    }
                    break;
                case 3:
                    bytes = bytes[..rng.Next(bytes.Length + 1)];
                    break;
                default:
                    var junk = new byte[rng.Next(1, 64)];
                    rng.NextBytes(junk);
                    bytes = [.. bytes, .. junk];
                    break;
            }
        }
        return bytes;
    }

    /// <summary>Runs <paramref name="parse"/> on every input of <paramref name="gen"/> under the three rules, on one
    /// thread (the machine is shared), failing with the smallest input CsCheck finds.</summary>
    public static void Check<T>(Gen<T> gen, Action<T> parse, long iterations = Iterations)
    {
        var run = Task.Run(() => gen.Sample(input =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            try
            {
                parse(input);
            }
            catch (GrooveException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
                Assert.DoesNotContain('\n', e.Message);
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < AllocationLimitBytes, $"allocated {allocated >> 20} MB for one small input");
            Assert.True(clock.Elapsed < PerInputLimit, $"took {clock.Elapsed.TotalSeconds:F1} s for one small input");
        }, iter: iterations, threads: 1));
        Assert.True(run.Wait(TimeSpan.FromMinutes(2)), "the property did not finish in 2 minutes (a hang)");
        run.GetAwaiter().GetResult();
    }
}
