using Groove.Dsp;
using Groove.IO.Annotations;
using Groove.Evaluation.Beats;
using Groove.Rhythm;
using Groove.Tests.Support;
using Groove.IO;

namespace Groove.Tests.Rhythm;

public class DbnBeatDecoderTests
{
    /// <summary>Every <c>stride</c>-th TCN activation of the conformance set with madmom's DBN beats for it.</summary>
    public static IEnumerable<(string Activation, string Expected)> ConformancePairs(int stride)
    {
        foreach (var set in new[] { "ballroom", "hainsworth", "smc" })
        {
            var dir = SharedData.Path("conformance", "dbn", set);
            var acts = Directory.GetFiles(Path.Combine(dir, "activations", "multi_task"), "*.beats.npy");
            Array.Sort(acts, StringComparer.Ordinal);
            for (int i = 0; i < acts.Length; i += stride)
            {
                var name = Path.GetFileName(acts[i])[..^".beats.npy".Length];
                yield return (acts[i], Path.Combine(dir, "detections", "multi_task", name + ".beats.txt"));
            }
        }
    }

    [Fact]
    public void ReproducesMadmomDbnOnTcnActivations()
    {
        var decoder = new DbnBeatDecoder(100);
        var pairs = ConformancePairs(stride: 12).ToList();
        Assert.True(pairs.Count > 90);
        double sum = 0;
        int exact = 0;
        foreach (var (act, expectedPath) in pairs)
        {
            var activation = NpyFile.Read(act).ToFloat();
            var ours = decoder.Decode(activation);
            var theirs = BeatAnnotations.ReadTimes(expectedPath);
            sum += MirEvalBeatMetrics.FMeasure(theirs, ours);
            if (ours.Length == theirs.Length && ours.Zip(theirs).All(p => Math.Abs(p.First - p.Second) < 1e-6)) exact++;
        }
        double mean = sum / pairs.Count;
        Assert.True(mean >= 0.995, $"mean F between ours and madmom's = {mean:F4} ({exact}/{pairs.Count} identical)");
        Assert.True(exact >= pairs.Count * 0.97, $"only {exact}/{pairs.Count} identical beat lists (mean F {mean:F4})");
    }
}
