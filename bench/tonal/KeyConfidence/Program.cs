// Fits the key confidence of each shipped key method (KeyMethods: the learned stone, the classical cqt, hpcp,
// essentia) and prints how well it is calibrated on audio the fit never saw.
//
// The confidence is Platt scaling (Platt 1999) of the margin = similarity of the best key − similarity of the
// runner-up (for a learned method: best − second of its 24 combined key scores) (KeyConfidenceCalibration): p(right) = σ(a + b·margin), fitted by maximum likelihood with Platt's
// smoothed targets ((N₊+1)/(N₊+2) and 1/(N₋+2)), which keep the fit finite when a set is separable.
// "Right" = the estimated key equals the label exactly (tonic and mode).
//
// Data: only the rendered held-out key sets (scripts/keydata: nottingham-test, nottingham-test-varied, mma-test).
// Validation: leave one set out: fit on the other two, measure reliability and the expected calibration error (ECE,
// 10 equal-width confidence bins, weighted by count) on the third. The shipped constants are fitted on all three.
// gtzan20 (17 labelled real clips) is scored afterwards as a check only; it is never used to fit.
// The uncalibrated softmax confidence (the one used before) is scored the same way, for comparison.
//
// Per clip and method the estimated key and the margin are cached in OUT/<set>/<method>.tsv (delete after changing
// the DSP), so a rerun is quick and a killed run resumes.
//
// usage: KeyConfidence --keydata DIR --gtzan DIR --out DIR [--threads N]
using System.Globalization;
using Groove;
using Groove.Audio;
using Groove.IO.Annotations;
using Groove.Tonality;
using Groove.Tonality.Stone;

var ic = CultureInfo.InvariantCulture;
string Arg(string name, string? fallback = null)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback ?? throw new ArgumentException($"missing {name}");
}
string keydata = Arg("--keydata"), gtzanDir = Arg("--gtzan"), outDir = Arg("--out");
int threads = int.Parse(Arg("--threads", "2"), ic);
string[] renderedSets = ["nottingham-test", "nottingham-test-varied", "mma-test"];

List<(string Id, string Wav, MusicalKey Key)> Clips(string dir)
{
    var list = new List<(string, string, MusicalKey)>();
    var keyDir = Path.Combine(dir, "key");
    if (!Directory.Exists(keyDir)) return list;
    foreach (var f in Directory.GetFiles(keyDir).Order(StringComparer.Ordinal))
    {
        var id = Path.GetFileNameWithoutExtension(f);
        var wav = Path.Combine(dir, "audio", id + ".wav");
        if (File.Exists(wav) && KeyAnnotations.Read(f) is { } k) list.Add((id, wav, k));
    }
    return list;
}

// The single methods: a combination's (cqt+hpcp, ...) margin needs both chromas, which this bench does not compute.
// A learned method's estimate and margin come from its StoneKeyEstimator (uncalibrated), keyed by the method's name.
var learned = KeyMethods.Learned.ToDictionary(m => m.Name, m => m.CreateEstimator(new ProfileKeyEstimator(KeyMethods.Classical.Options), calibrated: false));
var single = KeyMethods.Learned.Select(m => new KeyMethod(m.Name, m.Description, KeyMethods.Classical.Options with { Calibration = m.Calibration }))
    .Concat(KeyMethods.All.Where(m => m.Options.CombineWith is null)).ToList();
// (right?, margin, softmax confidence) per clip, per (set, method)
var data = new Dictionary<(string Set, string Method), (bool Right, double Margin, double Softmax)[]>();
foreach (var set in renderedSets.Append("gtzan20"))
{
    var clips = Clips(set == "gtzan20" ? gtzanDir : Path.Combine(keydata, set));
    if (clips.Count == 0) { Console.Error.WriteLine($"skipping {set}: no labelled clips"); continue; }
    foreach (var method in single)
    {
        var cache = Path.Combine(outDir, set, method.Name + ".tsv");
        var rows = new Dictionary<string, (bool, double, double)>();
        if (File.Exists(cache))
            foreach (var p in File.ReadAllLines(cache).Select(l => l.Split('\t')))
                rows[p[0]] = (p[1] == "1", double.Parse(p[2], ic), double.Parse(p[3], ic));
        if (!clips.All(c => rows.ContainsKey(c.Id)))
        {
            var est = new ProfileKeyEstimator(method.Options with { Calibration = null });
            var result = new (bool, double, double)[clips.Count];
            Parallel.For(0, clips.Count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
            {
                if (learned.TryGetValue(method.Name, out var stone))
                {
                    var e = stone.Estimate(AudioFile.Load(clips[i].Wav));
                    result[i] = (e.Key == clips[i].Key, StoneKeyEstimator.Margin(e), e.Confidence);
                    return;
                }
                var mean = est.ChromaOf(AudioFile.Load(clips[i].Wav)).Chroma.Mean();
                var k = est.FromMeanChroma(mean);
                result[i] = (k.Key == clips[i].Key, est.Margin(mean), k.Confidence);
            });
            Directory.CreateDirectory(Path.GetDirectoryName(cache)!);
            File.WriteAllLines(cache + ".part", clips.Select((c, i) => string.Create(ic,
                $"{c.Id}\t{(result[i].Item1 ? 1 : 0)}\t{result[i].Item2:R}\t{result[i].Item3:R}")));
            File.Move(cache + ".part", cache, overwrite: true);
            for (int i = 0; i < clips.Count; i++) rows[clips[i].Id] = result[i];
            Console.Error.WriteLine($"  computed {set}/{method.Name}");
        }
        data[(set, method.Name)] = clips.Select(c => rows[c.Id]).Select(r => (r.Item1, r.Item2, r.Item3)).ToArray();
    }
}

// Platt scaling by Newton's method on the smoothed targets.
static KeyConfidenceCalibration Fit(IReadOnlyList<(bool Right, double Margin)> xs)
{
    double pos = xs.Count(x => x.Right), neg = xs.Count - pos;
    double hi = (pos + 1) / (pos + 2), lo = 1 / (neg + 2);
    double a = Math.Log((pos + 1) / (neg + 1)), b = 0;
    for (int it = 0; it < 100; it++)
    {
        double ga = 0, gb = 0, haa = 1e-12, hab = 0, hbb = 1e-12;
        foreach (var (right, m) in xs)
        {
            double p = 1 / (1 + Math.Exp(-(a + b * m))), t = right ? hi : lo, w = p * (1 - p);
            ga += p - t; gb += (p - t) * m;
            haa += w; hab += w * m; hbb += w * m * m;
        }
        double det = haa * hbb - hab * hab;
        if (!(Math.Abs(det) > 0)) break;
        double da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
        a -= da; b -= db;
        if (Math.Abs(da) < 1e-10 && Math.Abs(db) < 1e-8) break;
    }
    return new KeyConfidenceCalibration(a, b);
}

// Expected calibration error with 10 equal-width bins, and the reliability rows (bin, n, mean confidence, accuracy).
static (double Ece, List<(double Lo, int N, double Conf, double Acc)> Rows) Reliability(IReadOnlyList<(bool Right, double P)> xs)
{
    const int bins = 10;
    var rows = new List<(double, int, double, double)>();
    double ece = 0;
    for (int b = 0; b < bins; b++)
    {
        var inBin = xs.Where(x => Math.Min(bins - 1, (int)(x.P * bins)) == b).ToList();
        if (inBin.Count == 0) continue;
        double conf = inBin.Average(x => x.P), acc = inBin.Average(x => x.Right ? 1.0 : 0.0);
        ece += inBin.Count * Math.Abs(conf - acc);
        rows.Add((b / (double)bins, inBin.Count, conf, acc));
    }
    return (ece / xs.Count, rows);
}

static double Brier(IReadOnlyList<(bool Right, double P)> xs) => xs.Average(x => Math.Pow(x.P - (x.Right ? 1 : 0), 2));

var available = renderedSets.Where(s => data.ContainsKey((s, KeyMethods.Classical.Name))).ToArray();
Console.WriteLine($"Key confidence calibration: Platt scaling of the best-vs-second similarity margin; sets {string.Join(", ", available)}");
foreach (var method in single)
{
    Console.WriteLine($"\n## --method {method.Name}");
    Console.WriteLine("leave one set out (fit on the other two, scored on this one):");
    Console.WriteLine($"  {"held-out set",-24} {"n",4} {"acc",6} {"ECE cal",8} {"ECE softmax",12} {"Brier cal",10} {"Brier softmax",14}  fit (a, b)");
    foreach (var held in available)
    {
        var train = available.Where(s => s != held).SelectMany(s => data[(s, method.Name)]).Select(x => (x.Right, x.Margin)).ToList();
        var cal = Fit(train);
        var test = data[(held, method.Name)];
        var calibrated = test.Select(x => (x.Right, cal.Probability(x.Margin))).ToList();
        var softmax = test.Select(x => (x.Right, x.Softmax)).ToList();
        Console.WriteLine(string.Create(ic, $"  {held,-24} {test.Length,4} {test.Average(x => x.Right ? 1.0 : 0),6:F3} {Reliability(calibrated).Ece,8:F3} {Reliability(softmax).Ece,12:F3} {Brier(calibrated),10:F3} {Brier(softmax),14:F3}  ({cal.Intercept:F3}, {cal.Slope:F2})"));
        foreach (var r in Reliability(calibrated).Rows)
            Console.WriteLine(string.Create(ic, $"      conf [{r.Lo:F1}, {r.Lo + 0.1:F1}): n {r.N,3}  mean conf {r.Conf:F3}  accuracy {r.Acc:F3}"));
    }
    var all = available.SelectMany(s => data[(s, method.Name)]).Select(x => (x.Right, x.Margin)).ToList();
    var final = Fit(all);
    Console.WriteLine(string.Create(ic, $"fitted on all {all.Count} rendered clips: Intercept {final.Intercept:R}, Slope {final.Slope:R}"));
    if (data.TryGetValue(("gtzan20", method.Name), out var gt))
    {
        var calibrated = gt.Select(x => (x.Right, final.Probability(x.Margin))).ToList();
        var softmax = gt.Select(x => (x.Right, x.Softmax)).ToList();
        var rel = Reliability(calibrated);
        Console.WriteLine(string.Create(ic, $"check on gtzan20 (never fitted on): n {gt.Length}, acc {gt.Average(x => x.Right ? 1.0 : 0):F3}, ECE calibrated {rel.Ece:F3}, softmax {Reliability(softmax).Ece:F3}; Brier {Brier(calibrated):F3} vs {Brier(softmax):F3}"));
        foreach (var r in rel.Rows)
            Console.WriteLine(string.Create(ic, $"      conf [{r.Lo:F1}, {r.Lo + 0.1:F1}): n {r.N,3}  mean conf {r.Conf:F3}  accuracy {r.Acc:F3}"));
    }
    var shipped = method.Options.Calibration;
    Console.WriteLine(shipped is null ? "shipped: none" : string.Create(ic, $"shipped: Intercept {shipped.Intercept:R}, Slope {shipped.Slope:R}"));
}
