using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Groove.Cli.Infrastructure;
using Groove.Embeddings;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove cluster --index LIB --k N [--seed S] [--json]</c>: k-means++ over the indexed track vectors
/// (unit length, so Euclidean distance ranks as cosine); prints the mean silhouette and each cluster's tracks.
/// </summary>
internal static class ClusterCommand
{
    public static Command Create()
    {
        var index = new Option<string>("--index") { Description = "Library index: an SQLite file or postgres://user@host/db", Required = true };
        var k = new Option<int>("--k") { Description = "Number of clusters", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Random seed of the k-means++ seeding", DefaultValueFactory = _ => 1UL };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var cmd = new Command("cluster", "Cluster the indexed tracks (k-means++) and print the silhouette") { index, k, seed, json };
        cmd.SetAction(parse =>
        {
            try
            {
                int clusters = parse.GetValue(k);
                using var lib = LibraryIndex.OpenExisting(parse.GetValue(index)!);
                var search = lib.LoadSearch();
                if (clusters < 2 || clusters > search.Count) throw new GrooveException($"--k must be between 2 and the number of tracks ({search.Count}), not {clusters}");
                var points = Enumerable.Range(0, search.Count).Select(i => search.Row(i).ToArray()).ToList();
                var result = KMeans.Fit(points, clusters, new Rng(parse.GetValue(seed)));
                double silhouette = KMeans.Silhouette(points, result.Labels);
                var groups = Enumerable.Range(0, clusters).Select(c => Enumerable.Range(0, points.Count).Where(i => result.Labels[i] == c).Select(i => search.Ids[i]).ToList()).ToList();
                if (parse.GetValue(json))
                    Console.Out.WriteLine(JsonSerializer.Serialize(new { model = lib.Model, k = clusters, silhouette, inertia = result.Inertia, clusters = groups },
                        new JsonSerializerOptions { WriteIndented = true }));
                else
                {
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{points.Count} tracks, {clusters} clusters, silhouette {silhouette:F3}, inertia {result.Inertia:F3}"));
                    for (int c = 0; c < clusters; c++)
                    {
                        Console.Out.WriteLine($"cluster {c + 1} ({groups[c].Count} tracks)");
                        foreach (var p in groups[c]) Console.Out.WriteLine($"  {p}");
                    }
                }
                return 0;
            }
            catch (Exception e) { return Reporter.Fatal(e); }
        });
        return cmd;
    }
}
