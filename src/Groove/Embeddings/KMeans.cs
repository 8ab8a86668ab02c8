using System.Numerics.Tensors;

namespace Groove.Embeddings;

/// <summary>A clustering: a cluster per point, the centroids and the sum of squared distances to them.</summary>
public sealed record Clustering(int[] Labels, float[][] Centroids, double Inertia);

/// <summary>
/// k-means (Lloyd's iterations) started by k-means++ seeding (Arthur &amp; Vassilvitskii, "k-means++: the advantages
/// of careful seeding", SODA 2007): the first centre uniformly at random, each next one with probability
/// proportional to the squared distance to the nearest centre chosen so far. The best of several restarts (lowest
/// inertia) is kept.
/// </summary>
public static class KMeans
{
    /// <summary>Clusters <paramref name="points"/> (equal lengths) into <paramref name="k"/> clusters.</summary>
    public static Clustering Fit(IReadOnlyList<float[]> points, int k, Rng rng, int restarts = 4, int maxIterations = 100)
    {
        if (k < 1 || k > points.Count) throw new GrooveException($"cannot make {k} clusters of {points.Count} points");
        Clustering? best = null;
        for (int r = 0; r < Math.Max(1, restarts); r++)
        {
            var c = Once(points, k, rng, maxIterations);
            if (best is null || c.Inertia < best.Inertia) best = c;
        }
        return best!;
    }

    private static Clustering Once(IReadOnlyList<float[]> x, int k, Rng rng, int maxIterations)
    {
        int n = x.Count, d = x[0].Length;
        var centres = new float[k][];
        centres[0] = (float[])x[rng.NextInt(n)].Clone();
        var nearest = new double[n];
        for (int i = 0; i < n; i++) nearest[i] = Sq(x[i], centres[0]);
        for (int c = 1; c < k; c++)
        {
            double total = nearest.Sum();
            int pick = n - 1;
            if (total > 0)
            {
                double u = rng.NextDouble() * total, acc = 0;
                for (int i = 0; i < n; i++) { acc += nearest[i]; if (acc >= u) { pick = i; break; } }
            }
            else pick = rng.NextInt(n);
            centres[c] = (float[])x[pick].Clone();
            for (int i = 0; i < n; i++) nearest[i] = Math.Min(nearest[i], Sq(x[i], centres[c]));
        }
        var labels = new int[n];
        Array.Fill(labels, -1);
        double inertia = 0;
        for (int it = 0; it < maxIterations; it++)
        {
            bool changed = false;
            inertia = 0;
            for (int i = 0; i < n; i++)
            {
                int bestC = 0; double bestD = double.MaxValue;
                for (int c = 0; c < k; c++) { double dd = Sq(x[i], centres[c]); if (dd < bestD) { bestD = dd; bestC = c; } }
                if (labels[i] != bestC) { labels[i] = bestC; changed = true; }
                inertia += bestD;
            }
            if (!changed) break;
            var sums = new double[k, d]; var counts = new int[k];
            for (int i = 0; i < n; i++) { counts[labels[i]]++; for (int j = 0; j < d; j++) sums[labels[i], j] += x[i][j]; }
            for (int c = 0; c < k; c++)
            {
                if (counts[c] == 0) { centres[c] = (float[])x[rng.NextInt(n)].Clone(); continue; } // an emptied cluster restarts at a random point
                for (int j = 0; j < d; j++) centres[c][j] = (float)(sums[c, j] / counts[c]);
            }
        }
        return new Clustering(labels, centres, inertia);
    }

    private static double Sq(float[] a, float[] b)
    {
        float dist = TensorPrimitives.Distance(a, b);
        return (double)dist * dist;
    }

    /// <summary>
    /// Mean silhouette (Rousseeuw 1987) with Euclidean distances: per point (b − a) / max(a, b), a = mean distance
    /// to its own cluster, b = the smallest mean distance to another cluster; 0 for a point alone in its cluster.
    /// In [−1, 1]; needs at least two clusters. O(n²).
    /// </summary>
    public static double Silhouette(IReadOnlyList<float[]> x, int[] labels)
    {
        int n = x.Count;
        int k = labels.Max() + 1;
        if (k < 2) throw new GrooveException("the silhouette needs at least two clusters");
        var counts = new int[k];
        foreach (var l in labels) counts[l]++;
        double total = 0;
        var sums = new double[k];
        for (int i = 0; i < n; i++)
        {
            Array.Clear(sums);
            for (int j = 0; j < n; j++) if (j != i) sums[labels[j]] += TensorPrimitives.Distance(x[i], x[j]);
            int own = labels[i];
            if (counts[own] == 1) continue;
            double a = sums[own] / (counts[own] - 1), b = double.MaxValue;
            for (int c = 0; c < k; c++) if (c != own && counts[c] > 0) b = Math.Min(b, sums[c] / counts[c]);
            double m = Math.Max(a, b);
            total += m > 0 ? (b - a) / m : 0;
        }
        return total / n;
    }
}
