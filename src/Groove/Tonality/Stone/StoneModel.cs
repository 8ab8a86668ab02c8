using System.Globalization;
using Groove.Nn;

namespace Groove.Tonality.Stone;

/// <summary>
/// A trained ChromaNet with what is needed to read its output as a key signature: the crop offset used at
/// inference and the calibration offset (output class of C major / A minor, found with <see cref="SyntheticCadence"/>
/// audio, since a self-supervised model learns key signatures only up to a rotation).
/// A 24-output model (<see cref="ChromaNetConfig.Modes"/> = 2, Semi-TONE) also tells the mode; trained with labels
/// its calibration offset is the labels' (<see cref="StoneLabelledData.TargetIndex"/>), not a synthetic calibration.
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

    /// <summary>Recycled activation buffers for <see cref="RawOutput"/>.</summary>
    private readonly InferenceArenas _arenas = new();

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
    /// The raw (uncalibrated) output distribution of a scaled [99, frames] CQT, 12·<see cref="ChromaNetConfig.Modes"/>
    /// values: the mean of the network's softmax over windows of at most <paramref name="windowFrames"/> frames,
    /// weighted by their length.
    /// </summary>
    public float[] RawOutput(ReadOnlySpan<float> cqt, int frames, int windowFrames = 1292)
    {
        int outputs = Net.Config.Outputs;
        var sum = new double[outputs];
        if (frames == 0) return Enumerable.Repeat(1f / outputs, outputs).ToArray();
        using var _ = GradMode.Inference();
        Net.Eval();
        for (int start = 0; start < frames; start += windowFrames)
        {
            int len = Math.Min(windowFrames, frames - start);
            if (len < 8 && start > 0) break;
            var x = new float[StoneFrontEnd.CropBins * len];
            StoneFrontEnd.Crop(cqt, frames, InferenceCropOffset, start, len, x);
            using var step = _arenas.Step();
            var p = Net.Forward(Tensor.Wrap(x, 1, 1, StoneFrontEnd.CropBins, len)).ToArray();
            for (int q = 0; q < outputs; q++) sum[q] += p[q] * len;
        }
        double z = sum.Sum();
        return sum.Select(v => (float)(v / z)).ToArray();
    }

    /// <summary>
    /// The raw (uncalibrated) 12-class profile of a scaled [99, frames] CQT: <see cref="RawOutput"/> summed over the
    /// mode columns.
    /// </summary>
    public float[] RawProfile(ReadOnlySpan<float> cqt, int frames, int windowFrames = 1292)
    {
        var raw = RawOutput(cqt, frames, windowFrames);
        var p = new float[12];
        for (int i = 0; i < raw.Length; i++) p[i % 12] += raw[i];
        return p;
    }

    /// <summary>
    /// Scores of the 24 keys from a 24-output model (index = mode·12 + tonic, as <see cref="KeyEstimate.Scores"/>),
    /// summing to 1. The network's index is mode·12 + signature class (a minor key's signature is its relative
    /// major), so the minor column is re-indexed by tonic = signature − 3.
    /// </summary>
    public float[] KeyScores(ReadOnlySpan<float> cqt, int frames)
    {
        if (Net.Config.Modes != 2) throw new InvalidOperationException("a 12-output STONE model gives key signatures only");
        var raw = RawOutput(cqt, frames);
        var scores = new float[24];
        for (int s = 0; s < 12; s++)
        {
            int cls = (s + CalibrationOffset) % 12;
            scores[s] = raw[cls];                                  // s major
            scores[12 + (s + 9) % 12] = raw[12 + cls];             // relative minor of s major
        }
        return scores;
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

    /// <summary>
    /// For a 24-output model trained without labels: makes column 0 the major one, by comparing the probability of
    /// column 0 on synthetic cadences in the 12 major keys with that on the 12 minor keys, and swapping the columns if
    /// the minor cadences score higher. Returns true when the columns were swapped.
    /// </summary>
    public bool CalibrateMode()
    {
        if (Net.Config.Modes != 2) throw new InvalidOperationException("only a 24-output STONE model has a mode");
        double major = 0, minor = 0;
        for (int t = 0; t < 12; t++)
            foreach (var mode in new[] { KeyMode.Major, KeyMode.Minor })
            {
                var cqt = StoneFrontEnd.Compute(SyntheticCadence.Render(t, mode), out int frames);
                double m = RawOutput(cqt, frames).Take(12).Sum();
                if (mode == KeyMode.Major) major += m; else minor += m;
            }
        if (major >= minor) return false;
        Net.SwapModeColumns();
        return true;
    }

    /// <summary>
    /// Sets <see cref="CalibrationOffset"/> from tracks with known keys: the rotation of the model's signature classes
    /// under which the most tracks get their key signature right (each track's profile read as at inference,
    /// <see cref="RawProfile"/>, over its first <paramref name="maxFrames"/> frames). A self-supervised model is equivariant, so this one
    /// number is all it needs from labels; a handful of tracks fixes it far more reliably than synthetic cadences,
    /// whose timbre is unlike real music. Returns the number of tracks right for each candidate offset (index =
    /// offset); ties go to the offset with the larger summed probability of the true signature.
    /// </summary>
    public int[] CalibrateOn(StoneLabelledData data, int maxFrames = 1292, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0) throw new GrooveException("no labelled tracks to calibrate on");
        var hits = new int[12];
        var mass = new double[12];
        foreach (var (_, cqt, n, key) in data.Tracks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int frames = Math.Min(n, maxFrames);
            // The first `frames` frames of the quantised [99, n] CQT, dequantised, read exactly as at inference.
            var x = new float[StoneFrontEnd.Bins * frames];
            for (int b = 0; b < StoneFrontEnd.Bins; b++)
            {
                var src = cqt.AsSpan(b * n, frames);
                var dst = x.AsSpan(b * frames, frames);
                for (int i = 0; i < frames; i++) dst[i] = src[i] * (1f / 255f);
            }
            var raw = RawProfile(x, frames);
            int best = 0;
            for (int q = 1; q < 12; q++) if (raw[q] > raw[best]) best = q;
            int sig = StoneLabelledData.Signature(key);
            for (int off = 0; off < 12; off++)
            {
                // Class (s + off) mod 12 means signature s.
                if ((sig + off) % 12 == best) hits[off]++;
                mass[off] += raw[(sig + off) % 12];
            }
        }
        int pick = 0;
        for (int off = 1; off < 12; off++)
            if (hits[off] > hits[pick] || (hits[off] == hits[pick] && mass[off] > mass[pick])) pick = off;
        CalibrationOffset = pick;
        return hits;
    }
}
