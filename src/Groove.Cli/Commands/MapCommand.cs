using System.CommandLine;
using System.Text;
using System.Text.Json;
using Groove.Cli.Infrastructure;
using Groove.Embeddings;
using Groove.IO;

namespace Groove.Cli.Commands;

/// <summary>
/// <c>groove map --index LIB -o map.html [--labels CSV]</c>: a t-SNE map of the indexed tracks as one self-contained
/// HTML page: a point per track, coloured by label (when given), the track's name on hover, and a click plays the
/// file (a file:// link, so open the page on the machine that holds the music). Written atomically.
/// </summary>
internal static class MapCommand
{
    public static Command Create()
    {
        var index = new Option<string>("--index") { Description = "Library index: an SQLite file or postgres://user@host/db", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "HTML file to write", Required = true };
        var labels = new Option<string?>("--labels") { Description = "CSV of track,label rows to colour the points" };
        var perplexity = new Option<double>("--perplexity") { Description = "t-SNE perplexity", DefaultValueFactory = _ => 30 };
        var seed = new Option<ulong>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 1UL };
        var cmd = new Command("map", "Write a 2-D t-SNE map of the indexed tracks as an HTML page") { index, output, labels, perplexity, seed };
        cmd.SetAction(parse =>
        {
            try
            {
                var outPath = parse.GetValue(output)!;
                var outDir = Path.GetDirectoryName(Path.GetFullPath(outPath));
                if (outDir is not null && !Directory.Exists(outDir)) throw new GrooveException($"{outPath}: no such folder");
                double perp = parse.GetValue(perplexity);
                if (!(perp >= 1)) throw new GrooveException("--perplexity must be at least 1");
                using var lib = LibraryIndex.OpenExisting(parse.GetValue(index)!);
                var search = lib.LoadSearch();
                var label = new string?[search.Count];
                if (parse.GetValue(labels) is { } csv)
                {
                    var (rows, unmatched) = TrackLabels.Read(csv, search);
                    if (unmatched > 0) Reporter.Warning($"{unmatched} labelled tracks are not in the index (or the header row)");
                    foreach (var (row, l) in rows) label[row] = l;
                }
                var points = Enumerable.Range(0, search.Count).Select(i => search.Row(i).ToArray()).ToList();
                var xy = Tsne.Embed(points, new Rng(parse.GetValue(seed)), perp);
                var data = Enumerable.Range(0, search.Count).Select(i => new
                {
                    name = Path.GetFileName(search.Ids[i]), url = new Uri(search.Ids[i]).AbsoluteUri, label = label[i], x = xy[i][0], y = xy[i][1],
                });
                AtomicFile.WriteAllText(outPath, Page(lib.Model ?? "", JsonSerializer.Serialize(data)));
                Console.Error.WriteLine($"{search.Count} tracks mapped to {outPath}");
                return 0;
            }
            catch (Exception e) { return Reporter.Fatal(e); }
        });
        return cmd;
    }

    private static string Page(string model, string json)
    {
        var sb = new StringBuilder();
        sb.Append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>groove map</title>
            <style>body{font:14px sans-serif;margin:1em}svg{border:1px solid #ccc}circle{cursor:pointer;stroke:#333;stroke-width:.5}
            #legend span{margin-right:1em}#now{margin-left:1em}</style></head><body>
            <h1>groove map</h1><p>t-SNE of the track vectors (model <code id="model"></code>); hover for the name, click to play.
            <audio id="player" controls></audio><span id="now"></span></p><div id="legend"></div>
            <svg id="map" width="900" height="700" viewBox="0 0 900 700"></svg>
            <script>
            const points =
            """);
        sb.Append(json);
        sb.Append(";\nconst model = ");
        sb.Append(JsonSerializer.Serialize(model));
        sb.Append("""
            ;
            document.getElementById('model').textContent = model;
            const labels = [...new Set(points.map(p => p.label ?? ''))].sort();
            const colour = l => l === '' ? '#999' : `hsl(${Math.round(360 * labels.indexOf(l) / labels.length)},70%,50%)`;
            const xs = points.map(p => p.x), ys = points.map(p => p.y);
            const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
            const sx = x => 20 + 860 * (x - x0) / ((x1 - x0) || 1), sy = y => 20 + 660 * (y - y0) / ((y1 - y0) || 1);
            const svg = document.getElementById('map'), ns = 'http://www.w3.org/2000/svg';
            for (const p of points) {
              const c = document.createElementNS(ns, 'circle');
              c.setAttribute('cx', sx(p.x)); c.setAttribute('cy', sy(p.y)); c.setAttribute('r', 6); c.setAttribute('fill', colour(p.label ?? ''));
              const t = document.createElementNS(ns, 'title'); t.textContent = p.name + (p.label ? ` (${p.label})` : ''); c.appendChild(t);
              c.addEventListener('click', () => { const a = document.getElementById('player'); a.src = p.url; a.play(); document.getElementById('now').textContent = p.name; });
              svg.appendChild(c);
            }
            const legend = document.getElementById('legend');
            for (const l of labels) if (l !== '') { const s = document.createElement('span'); s.style.color = colour(l); s.textContent = '● ' + l; legend.appendChild(s); }
            </script></body></html>
            """);
        sb.Append('\n');
        return sb.ToString();
    }
}
