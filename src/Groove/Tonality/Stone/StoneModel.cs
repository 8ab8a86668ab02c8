using System.Globalization;
using Groove.Nn;

namespace Groove.Tonality.Stone;

/// <summary>
/// A trained ChromaNet with what is needed to read its output as a key signature: the crop offset used at
/// inference and the calibration offset (output class of C major / A minor, found with <see cref="SyntheticCadence"/>
/// audio, since a self-supervised model learns key signatures only up to a rotation).
/// Stored as safetensors with metadata <c>format = groove.stone.v1</c>.
/// </summary>
public sealed class StoneModel
{
    /// <summary>Crop offset the estimator uses (any works for an equivariant model; fixed so calibration matches).</summary>
    public const int InferenceCropOffset = 7;
    private const string Format = "groove.stone.v1";

    /// <summary>The network (in evaluation mode).</summary>
    public ChromaNet Net { get; }
    /// <summary>Output class that means C major / A minor.</summary>
    public int CalibrationOffset { get; set; }
    /// <summary>Frequency of the circle the model was trained on (7/12 = circle of fifths).</summary>
    public double Omega { get; }
    /// <summary>Other metadata (training settings, steps).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public StoneModel(ChromaNet net, double omega, int calibrationOffset, IReadOnlyDictionary<string, string>? metadata = null)
    {
        Net = net;
        Omega = omega;
        CalibrationOffset = ((calibrationOffset % 12) + 12) % 12;
        Metadata = metadata ?? new Dictionary<string, string>();
        net.Eval();
    }

    /// <summary>Loads a model written by <see cref="Save"/>.</summary>
    public static StoneModel Load(string path)
    {
        if (!File.Exists(path)) throw new GrooveException($"{path}: no such model file");
        Dictionary<string, Tensor> tensors; Dictionary<string, string> meta;
        try { (tensors, meta) = SafeTensors.Load(path); }
        catch (Exception e) when (e is not GrooveException) { throw new GrooveException($"{path}: not a safetensors model ({e.Message})"); }
        if (!meta.TryGetValue("format", out var f) || f != Format) throw new GrooveException($"{path}: not a STONE model");
        var net = new ChromaNet(ChromaNetConfig.FromMetadata(meta, path), new Rng(0));
        net.LoadStateDict(tensors);
        double omega = meta.TryGetValue("stone.omega", out var o) ? double.Parse(o, CultureInfo.InvariantCulture) : 7.0 / 12;
        int cal = meta.TryGetValue("stone.calibration_offset", out var c) ? int.Parse(c, CultureInfo.InvariantCulture) : 0;
        return new StoneModel(net, omega, cal, meta);
    }

    /// <summary>Writes the weights and metadata (atomically).</summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? extra = null)
    {
        var meta = new Dictionary<string, string>(Net.Config.ToMetadata())
        {
            ["format"] = Format,
            ["stone.omega"] = Omega.ToString("R", CultureInfo.InvariantCulture),
            ["stone.calibration_offset"] = CalibrationOffset.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (k, v) in Metadata) if (k.StartsWith("train.", StringComparison.Ordinal)) meta[k] = v;
        if (extra != null) foreach (var (k, v) in extra) meta[k] = v;
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir != null) Directory.CreateDirectory(dir);
        SafeTensors.Save(path, Net.StateDict(), meta);
    }

    /// <summary>
    /// The raw (uncalibrated) 12-class profile of a scaled [99, frames] CQT: the mean of the network's softmax over
    /// windows of at most <paramref name="windowFrames"/> frames, weighted by their length.
    /// </summary>
    public float[] RawProfile(ReadOnlySpan<float> cqt, int frames, int windowFrames = 1292)
    {
        var sum = new double[12];
        if (frames == 0) { Array.Fill(sum, 1.0 / 12); return sum.Select(v => (float)v).ToArray(); }
        using var _ = GradMode.Inference();
        Net.Eval();
        for (int start = 0; start < frames; start += windowFrames)
        {
            int len = Math.Min(windowFrames, frames - start);
            if (len < 8 && start > 0) break;
            var x = new float[StoneFrontEnd.CropBins * len];
            StoneFrontEnd.Crop(cqt, frames, InferenceCropOffset, start, len, x);
            var p = Net.Forward(Tensor.Wrap(x, 1, 1, StoneFrontEnd.CropBins, len)).ToArray();
            for (int q = 0; q < 12; q++) sum[q] += p[q] * len;
        }
        double z = sum.Sum();
        return sum.Select(v => (float)(v / z)).ToArray();
    }

    /// <summary>Key-signature profile: index s = the signature of s major (and of its relative minor).</summary>
    public float[] KeySignatureProfile(ReadOnlySpan<float> cqt, int frames)
    {
        var raw = RawProfile(cqt, frames);
        var p = new float[12];
        for (int s = 0; s < 12; s++) p[s] = raw[(s + CalibrationOffset) % 12];
        return p;
    }

    /// <summary>
    /// Sets <see cref="CalibrationOffset"/> from synthetic cadences in all 12 major keys: the output class that,
    /// rotated by each key's tonic, collects the most probability.
    /// </summary>
    public int Calibrate()
    {
        var agg = new double[12];
        for (int t = 0; t < 12; t++)
        {
            var cqt = StoneFrontEnd.Compute(SyntheticCadence.Render(t, KeyMode.Major), out int frames);
            var raw = RawProfile(cqt, frames);
            for (int q = 0; q < 12; q++) agg[((q - t) % 12 + 12) % 12] += raw[q];
        }
        int best = 0;
        for (int q = 1; q < 12; q++) if (agg[q] > agg[best]) best = q;
        CalibrationOffset = best;
        return best;
    }
}
