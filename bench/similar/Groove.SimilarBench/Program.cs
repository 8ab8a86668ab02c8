using System.Diagnostics;
using System.Globalization;
using Groove.Embeddings;
using Groove.Index;
using Groove.IO;

// search MATRIX.npy QUERIES.npy K OUT.txt [f32|f16] [mapped] : median seconds per query of VectorSearch.TopK (one
//   thread; float32 or float16 rows; in memory, or memory-mapped from a matrix file next to OUT.txt), top-k ids to OUT.txt
// embed WAV MODEL RUNS                    : median seconds to embed the clip (load excluded), and the clip's duration
// tiles LIST MODEL SECONDS OUT.npy          : the 5 s tile vectors of SECONDS of each listed file (from its middle), as real embeddings to search
// agree ROWS.npy K                          : each row as a query against the others, float32 vs float16: identical top-K lists, recall, largest score change
var ic = CultureInfo.InvariantCulture;
switch (args[0])
{
    case "search":
    {
        var m = NpyFile.Read(args[1]); var q = NpyFile.Read(args[2]);
        int n = m.Shape[0], d = m.Shape[1], k = int.Parse(args[3], ic);
        var precision = args.Length > 5 && args[5] == "f16" ? VectorPrecision.Float16 : VectorPrecision.Float32;
        var search = new VectorSearch(Enumerable.Range(0, n).Select(i => i.ToString(ic)).ToArray(), m.ToFloat(), d, precision);
        if (args.Length > 6 && args[6] == "mapped")
        {
            var file = args[4] + ".matrix";
            search.Save(file, "bench");
            search.Dispose();
            search = VectorSearch.OpenMapped(file);
        }
        var queries = q.ToFloat();
        int nq = q.Shape[0];
        var times = new List<double>();
        var lines = new List<string>();
        for (int w = 0; w < 3; w++) search.TopK(queries.AsSpan(0, d), k);
        for (int i = 0; i < nq; i++)
        {
            var sw = Stopwatch.StartNew();
            var hits = search.TopK(queries.AsSpan(i * d, d), k);
            times.Add(sw.Elapsed.TotalSeconds);
            lines.Add(string.Join(' ', hits.Select(h => h.Id)));
        }
        File.WriteAllLines(args[4], lines);
        times.Sort();
        Console.WriteLine(string.Create(ic, $"search\t{times[times.Count / 2]:R}"));
        break;
    }
    case "embed":
    {
        var signal = LogMelTiles.LoadAudio(args[1]);
        var embedder = TrackEmbedder.Create(args[2]);
        int runs = int.Parse(args[3], ic);
        embedder.Embed(signal);
        var times = new List<double>();
        for (int r = 0; r < runs; r++)
        {
            var sw = Stopwatch.StartNew();
            embedder.Embed(signal);
            times.Add(sw.Elapsed.TotalSeconds);
        }
        times.Sort();
        Console.WriteLine(string.Create(ic, $"embed\t{times[times.Count / 2]:R}\t{signal.Length / 16000.0:R}"));
        break;
    }
    case "tiles":
    {
        var embedder = TrackEmbedder.Create(args[2]);
        double seconds = double.Parse(args[3], ic);
        var rows = new List<float>();
        int count = 0;
        foreach (var file in File.ReadLines(args[1]).Where(l => l.Length > 0))
        {
            var signal = LogMelTiles.LoadAudio(file);
            int want = (int)(seconds * 16000), start = Math.Max(0, (signal.Length - want) / 2);
            var e = embedder.Embed(signal.AsSpan(start, Math.Min(want, signal.Length - start)));
            foreach (var t in e.Tiles) { rows.AddRange(t); count++; }
        }
        NpyFile.Write(args[4], rows.ToArray(), count, embedder.Dimension);
        Console.WriteLine(string.Create(ic, $"tiles	{count}	{embedder.ModelName}"));
        break;
    }
    case "agree":
    {
        var m = NpyFile.Read(args[1]);
        int n = m.Shape[0], d = m.Shape[1], k = int.Parse(args[2], ic);
        var values = m.ToFloat();
        var ids = Enumerable.Range(0, n).Select(i => i.ToString(ic)).ToArray();
        using var f32 = new VectorSearch(ids, values, d);
        using var f16 = new VectorSearch(ids, values, d, VectorPrecision.Float16);
        int identical = 0, found = 0;
        double worst = 0;
        for (int i = 0; i < n; i++)
        {
            var q = values.AsSpan(i * d, d);
            var a = f32.TopK(q, k, ids[i]);
            var b = f16.TopK(q, k, ids[i]);
            if (a.Select(h => h.Id).SequenceEqual(b.Select(h => h.Id))) identical++;
            found += b.Count(h => a.Any(x => x.Id == h.Id));
            for (int j = 0; j < k; j++) worst = Math.Max(worst, Math.Abs(a[j].Cosine - b[j].Cosine));
        }
        Console.WriteLine(string.Create(ic, $"agree	{n}	{identical}	{(double)found / (n * k):F4}	{worst:E2}"));
        break;
    }
    default: throw new ArgumentException("usage: search MATRIX QUERIES K OUT | embed WAV MODEL RUNS");
}
