using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Groove.Cli.Infrastructure;
using Groove.Index;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove embed FILE|DIR... --index LIB [--model mfcc|random|tile2vec|FILE]</c>: embeds audio files (folders
/// searched recursively) into a library index, one transaction per track. Files whose content hash is already
/// indexed with this model are skipped, so a killed run continues where it stopped. An unreadable file is reported
/// in one line and skipped; the exit code is 1 when any failed.
/// </summary>
internal static class EmbedCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Audio files or folders", Arity = ArgumentArity.OneOrMore };
        var index = new Option<string>("--index") { Description = "Library index: an SQLite file or postgres://user@host/db (created when absent)", Required = true };
        var model = new Option<string>("--model") { Description = "mfcc, random, tile2vec (the shipped model) or a Tile2Vec weights file", DefaultValueFactory = _ => "tile2vec" };
        var cmd = new Command("embed", "Embed audio files into a library index (skips files already indexed)") { inputs, index, model };
        cmd.SetAction(parse =>
        {
            try
            {
                using var lib = LibraryIndex.Open(parse.GetValue(index)!);
                var embedder = Groove.Embeddings.TrackEmbedder.Create(parse.GetValue(model)!);
                lib.RequireModel(embedder.ModelName, embedder.Dimension);
                var files = new List<string>();
                int failed = 0;
                foreach (var input in parse.GetValue(inputs)!)
                {
                    if (Directory.Exists(input)) files.AddRange(Groove.IO.AudioFileNames.Find(input));
                    else if (File.Exists(input)) files.Add(input);
                    else { failed++; Reporter.Error($"{input}: no such file or folder"); }
                }
                int embedded = 0, skipped = 0;
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < files.Count; i++)
                {
                    var f = files[i];
                    try
                    {
                        var hash = ContentHash.Of(f);
                        if (lib.IsCurrent(f, hash, embedder.ModelName)) { skipped++; continue; }
                        var t0 = clock.Elapsed.TotalSeconds;
                        var e = embedder.EmbedFile(f, w => Reporter.Warning($"{f}: {w}"));
                        lib.PutEmbedding(f, hash, e.DurationSeconds, embedder.ModelName, e.Vector, e.Tiles);
                        embedded++;
                        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"[{i + 1}/{files.Count}] {f}: {e.Tiles.Count} tiles, {e.DurationSeconds:F1} s audio in {clock.Elapsed.TotalSeconds - t0:F2} s"));
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        failed++;
                        Reporter.Error($"{f}: {Reporter.Describe(e)}");
                    }
                }
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{embedded} embedded, {skipped} unchanged, {failed} failed; {lib.Count} tracks in {lib.Location} (model {embedder.ModelName})"));
                return failed > 0 ? Reporter.InputError : 0;
            }
            catch (Exception e) { return Reporter.Fatal(e); }
        });
        return cmd;
    }
}
