using Groove.Index;
using Groove.Tests.Support;

namespace Groove.Tests.Index;

/// <summary>The float16 and memory-mapped forms of <see cref="VectorSearch"/> against the float32 matrix in memory.</summary>
public class VectorSearchStorageTests
{
    /// <summary>
    /// Embedding-like vectors: 2 000 tracks in 20 groups (a genre, an album), each a centre in a 16-dimensional
    /// subspace plus a smaller spread of its own in all 128 dimensions, all with a common offset (embeddings are
    /// anisotropic, not spread evenly over the sphere). Queries are other members of the same groups.
    /// </summary>
    private static (string[] Ids, float[] Matrix, float[] Queries) EmbeddingLike(int n, int queries, int dim = 128)
    {
        var rng = new Rng(7);
        var basis = new float[16 * dim];
        rng.FillNormal(basis);
        var offset = new float[dim];
        rng.FillNormal(offset, 0, 0.5f);
        var centres = new float[20][];
        for (int c = 0; c < 20; c++)
        {
            var coeffs = new float[16];
            rng.FillNormal(coeffs);
            centres[c] = new float[dim];
            for (int b = 0; b < 16; b++)
                for (int j = 0; j < dim; j++) centres[c][j] += coeffs[b] * basis[b * dim + j] / 4;
        }
        float[] Member()
        {
            var v = new float[dim];
            rng.FillNormal(v, 0, 0.35f);
            var centre = centres[rng.NextInt(20)];
            for (int j = 0; j < dim; j++) v[j] += centre[j] + offset[j];
            return v;
        }
        var matrix = Enumerable.Range(0, n).SelectMany(_ => Member()).ToArray();
        var q = Enumerable.Range(0, queries).SelectMany(_ => Member()).ToArray();
        return (Enumerable.Range(0, n).Select(i => $"track{i}").ToArray(), matrix, q);
    }

    [Fact]
    public void Float16FindsTheSameTracksAsFloat32OnEmbeddingLikeData()
    {
        const int dim = 128, k = 10, queries = 200;
        var (ids, matrix, q) = EmbeddingLike(2000, queries, dim);
        using var f32 = new VectorSearch(ids, matrix, dim);
        using var f16 = new VectorSearch(ids, matrix, dim, VectorPrecision.Float16);
        Assert.Equal(VectorPrecision.Float16, f16.Precision);
        int identical = 0, recalled = 0;
        for (int i = 0; i < queries; i++)
        {
            var query = q.AsSpan(i * dim, dim);
            var a = f32.TopK(query, k);
            var b = f16.TopK(query, k);
            if (a.Select(h => h.Id).SequenceEqual(b.Select(h => h.Id))) identical++;
            recalled += b.Count(h => a.Any(x => x.Id == h.Id));
            // Unit vectors rounded to float16 (relative error ≤ 2^-11 per value) move a cosine by at most 2^-11
            // (Cauchy–Schwarz): so scores agree to that, and where the order differs the float32 scores are that close.
            for (int j = 0; j < k; j++)
            {
                Assert.Equal(a[j].Cosine, b[j].Cosine, 1.0 / 2048);
                if (a[j].Id != b[j].Id) Assert.True(Math.Abs(a[j].Cosine - a.Concat(f32.TopK(query, k + 5)).First(h => h.Id == b[j].Id).Cosine) <= 2.0 / 2048, $"query {i}: rank {j} differs beyond float16 rounding");
            }
        }
        // Groups of 100 close members make many near-ties, so some lists swap neighbours (checked above to be ties
        // within float16 rounding); the tracks found are nearly all the same.
        Assert.True(recalled >= queries * k * 98 / 100, $"float16 found {recalled} of the float32 top-{k} tracks of {queries} queries ({identical} lists identical)");
    }

    [Theory]
    [InlineData(VectorPrecision.Float32)]
    [InlineData(VectorPrecision.Float16)]
    public void AMappedMatrixAnswersExactlyAsTheOneInMemory(VectorPrecision precision)
    {
        using var dir = new TempDir();
        const int dim = 24;
        var (ids, matrix, q) = EmbeddingLike(700, 20, dim); // 700 rows: two full float16 blocks and a partial one
        ids[3] = "ünïcødé name, with spaces.wav";
        using var memory = new VectorSearch(ids, matrix, dim, precision);
        var path = dir.File("lib.matrix");
        memory.Save(path, "stamp-1");
        using var mapped = VectorSearch.OpenMapped(path);
        Assert.True(mapped.IsMapped);
        Assert.Equal("stamp-1", mapped.Stamp);
        Assert.Equal(precision, mapped.Precision);
        Assert.Equal(ids, mapped.Ids);
        Assert.Equal(memory.Row(699).ToArray(), mapped.Row(699).ToArray());
        for (int i = 0; i < 20; i++)
        {
            var query = q.AsSpan(i * dim, dim);
            Assert.Equal(memory.TopK(query, 7, excludeId: ids[3]), mapped.TopK(query, 7, excludeId: ids[3]));
        }
        Assert.DoesNotContain(Directory.GetFiles(dir.Path), f => f.Contains(".tmp-")); // written atomically
    }

    [Fact]
    public void ATruncatedOrForeignMatrixFileIsAClearError()
    {
        using var dir = new TempDir();
        var path = dir.File("lib.matrix");
        using (var s = new VectorSearch(["a", "b"], [1, 0, 0, 1], 2)) s.Save(path, "x");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^3]);
        Assert.Contains("truncated", Assert.Throws<GrooveException>(() => VectorSearch.OpenMapped(path)).Message);
        File.WriteAllText(path, new string('x', 100));
        Assert.Contains("not a Groove matrix file", Assert.Throws<GrooveException>(() => VectorSearch.OpenMapped(path)).Message);
        Assert.Throws<GrooveException>(() => VectorSearch.OpenMapped(dir.File("missing")));
    }

    [Fact]
    public void TheMatrixFileIsRebuiltWhenTheIndexChangesAndReusedWhenNot()
    {
        using var dir = new TempDir();
        using var index = SqliteTrackIndex.Open(dir.File("lib.db"));
        index.PutEmbedding("a.wav", "h1", 1, "m", [1, 0], []);
        index.PutEmbedding("b.wav", "h2", 1, "m", [0, 1], []);
        var path = dir.File("lib.matrix");
        using (var first = SearchMatrixFile.Open(index, path, VectorPrecision.Float16))
        {
            Assert.Equal(2, first.Count);
            Assert.Equal(VectorPrecision.Float16, first.Precision);
        }
        var written = File.GetLastWriteTimeUtc(path);
        File.SetLastWriteTimeUtc(path, written.AddHours(-1));
        using (var again = SearchMatrixFile.Open(index, path, VectorPrecision.Float16)) Assert.Equal(2, again.Count);
        Assert.Equal(written.AddHours(-1), File.GetLastWriteTimeUtc(path)); // unchanged index: the file is mapped as it is
        using (var f32 = SearchMatrixFile.Open(index, path, VectorPrecision.Float32)) Assert.Equal(VectorPrecision.Float32, f32.Precision);
        index.PutEmbedding("c.wav", "h3", 1, "m", [1, 1], []);
        using var rebuilt = SearchMatrixFile.Open(index, path, VectorPrecision.Float32);
        Assert.Equal(3, rebuilt.Count);
        Assert.Equal(Path.GetFullPath("c.wav"), rebuilt.TopK([1, 1], 1)[0].Id);
    }
}
