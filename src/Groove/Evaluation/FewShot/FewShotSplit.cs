using Groove.Nn;

namespace Groove.Evaluation.FewShot;

/// <summary>
/// The fixed partition of a dataset's tracks (indices) into test, validation and training pool, drawn once from the
/// seed; training sets of k tracks are sampled from the pool only, so test and validation tracks never leak into
/// training.
/// </summary>
public sealed record FewShotSplit(IReadOnlyList<int> Test, IReadOnlyList<int> Validation, IReadOnlyList<int> Pool)
{
    /// <summary>Shuffles <paramref name="trackCount"/> indices with <paramref name="seed"/> and cuts test | validation | pool.</summary>
    public static FewShotSplit Create(int trackCount, int testCount, int validationCount, ulong seed)
    {
        if (testCount + validationCount >= trackCount)
            throw new GrooveException($"{trackCount} tracks cannot hold {testCount} test + {validationCount} validation tracks and a training pool");
        var order = Enumerable.Range(0, trackCount).ToArray();
        new Rng(seed).Shuffle(order.AsSpan());
        return new FewShotSplit(Sorted(order[..testCount]), Sorted(order[testCount..(testCount + validationCount)]),
            Sorted(order[(testCount + validationCount)..]));
    }

    /// <summary>k distinct pool tracks chosen with <paramref name="rng"/>.</summary>
    public IReadOnlyList<int> SampleTraining(int k, Rng rng)
    {
        if (k > Pool.Count) throw new GrooveException($"training size {k} exceeds the pool of {Pool.Count} tracks");
        var pool = Pool.ToArray();
        rng.Shuffle(pool.AsSpan());
        return Sorted(pool[..k]);
    }

    private static int[] Sorted(int[] a) { Array.Sort(a); return a; }
}
