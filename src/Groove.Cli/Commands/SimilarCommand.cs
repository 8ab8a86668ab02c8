using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Groove.Cli.Infrastructure;
using Groove.Index;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove similar FILE|TRACK --index LIB [-k 10] [--json]</c>: the k indexed tracks most similar to a query
/// (exact cosine over the track vectors). The query is a track of the index (its path, or a file name that matches
/// one track) or an audio file, embedded with the index's model; a model that differs from the index's is an error.
/// <c>--precision f16</c> keeps the matrix as float16; <c>--mapped FILE</c> memory-maps it from a matrix file.
/// </summary>
internal static class SimilarCommand
{
    public static Command Create()
    {
        var query = new Argument<string>("query") { Description = "Audio file or indexed track (path or unique file name)" };
        var index = new Option<string>("--index") { Description = "Library index: an SQLite file or postgres://user@host/db", Required = true };
        var k = new Option<int>("-k", "--top") { Description = "Number of results", DefaultValueFactory = _ => 10 };
        var model = new Option<string?>("--model") { Description = "Model to embed a query file with (default: the index's kind)" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var precision = new Option<string>("--precision") { Description = "Search matrix values: f32, or f16 (half the memory; same ranking on real embeddings up to near-ties)", DefaultValueFactory = _ => "f32" };
        precision.AcceptOnlyFromAmong("f32", "f16");
        var mapped = new Option<string?>("--mapped") { Description = "Memory-map the search matrix from this file (built from the index when absent or stale)" };
        var cmd = new Command("similar", "Find the indexed tracks most similar to a file or track") { query, index, k, model, json, precision, mapped };
        cmd.SetAction(parse =>
        {
            try
            {
                int top = parse.GetValue(k);
                if (top < 1) throw new GrooveException($"-k must be at least 1, not {top}");
                using var lib = LibraryIndex.OpenExisting(parse.GetValue(index)!);
                var q = parse.GetValue(query)!;
                var values = parse.GetValue(precision) == "f16" ? VectorPrecision.Float16 : VectorPrecision.Float32;
                using var search = parse.GetValue(mapped) is { } file ? SearchMatrixFile.Open(lib, file, values) : lib.LoadSearch(values);
                float[] vector;
                string? self = null;
                var track = TrackLookup.Find(lib, search, q);
                if (track is not null && (!File.Exists(track.Path) || ContentHash.Of(track.Path) == track.ContentHash))
                {
                    vector = track.Vector!;
                    self = track.Path;
                }
                else if (File.Exists(q))
                {
                    var embedder = LibraryIndex.Embedder(parse.GetValue(model), lib);
                    lib.RequireModel(embedder.ModelName, embedder.Dimension);
                    vector = embedder.EmbedFile(q, w => Reporter.Warning($"{q}: {w}")).Vector;
                    self = SqlTrackIndex.Key(q);
                }
                else throw new GrooveException($"{q}: neither an audio file nor a track of {lib.Location}");
                var hits = search.TopK(vector, top, self);
                if (parse.GetValue(json))
                    Console.Out.WriteLine(JsonSerializer.Serialize(new { query = q, model = lib.Model, results = hits.Select(h => new { path = h.Id, cosine = h.Cosine }) },
                        new JsonSerializerOptions { WriteIndented = true }));
                else
                    foreach (var h in hits) Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{h.Cosine:F4}\t{h.Id}"));
                return 0;
            }
            catch (Exception e) { return Reporter.Fatal(e); }
        });
        return cmd;
    }
}
