using Groove.Evaluation;

namespace Groove.Tests.Evaluation;

public class EventMatchingTests
{
    [Fact]
    public void Maximum_matching_beats_nearest_first_pairing()
    {
        // Nearest-first would pair 1.04 with 1.06 and leave 1.10 without a partner; the optimum pairs both.
        Assert.Equal(2, EventMatching.CountMatches([1.00, 1.06], [1.04, 1.10], 0.07));
    }

    [Fact]
    public void Window_bounds_are_inclusive_and_events_are_used_once()
    {
        Assert.Equal(1, EventMatching.CountMatches([1.0], [1.07], 0.07));
        Assert.Equal(0, EventMatching.CountMatches([1.0], [1.0701], 0.07));
        Assert.Equal(1, EventMatching.CountMatches([1.0], [0.99, 1.01], 0.07));
        Assert.Equal(0, EventMatching.CountMatches([], [1.0], 0.07));
    }

    [Fact]
    public void Hopcroft_Karp_finds_the_maximum_on_random_graphs()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 400; trial++)
        {
            int left = rng.Next(0, 8), right = rng.Next(0, 8);
            var adjacency = new List<int>[left];
            var offsets = new int[left + 1];
            var targets = new List<int>();
            for (int u = 0; u < left; u++)
            {
                adjacency[u] = [];
                for (int v = 0; v < right; v++)
                    if (rng.NextDouble() < 0.3) { adjacency[u].Add(v); targets.Add(v); }
                offsets[u + 1] = targets.Count;
            }
            int expected = BruteForce(adjacency, 0, 0);
            Assert.Equal(expected, BipartiteMatching.MaximumCardinality(left, right, offsets, targets.ToArray()));
        }
    }

    private static int BruteForce(List<int>[] adjacency, int u, int usedRight)
    {
        if (u == adjacency.Length) return 0;
        int best = BruteForce(adjacency, u + 1, usedRight);
        foreach (var v in adjacency[u])
            if ((usedRight & (1 << v)) == 0)
                best = Math.Max(best, 1 + BruteForce(adjacency, u + 1, usedRight | (1 << v)));
        return best;
    }
}
