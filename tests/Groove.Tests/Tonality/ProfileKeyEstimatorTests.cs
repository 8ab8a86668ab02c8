using Groove.Audio;
using Groove.IO.Annotations;
using Groove.Evaluation.Key;
using Groove.Tests.Dsp;
using Groove.Tests.Support;
using Groove.Tonality;

namespace Groove.Tests.Tonality;

public class ProfileKeyEstimatorTests
{
    private const int Sr = 22050;

    /// <summary>A cadence I–IV–V–I (minor: i–iv–V–i, harmonic minor) with bass, 1 s per chord, around MIDI 60 + tonic.</summary>
    internal static float[] Cadence(int tonic, KeyMode mode, double cents = 0)
    {
        int third = mode == KeyMode.Major ? 4 : 3;
        int[][] chords = mode == KeyMode.Major
            ? [[0, 4, 7], [5, 9, 12], [7, 11, 14], [0, 4, 7]]
            : [[0, third, 7], [5, 8, 12], [7, 11, 14], [0, third, 7]];
        var y = new List<float>();
        foreach (var c in chords)
        {
            var notes = c.Select(i => (double)(60 + tonic + i)).Append(48 + tonic + c[0]).ToArray();
            y.AddRange(ChromagramTests.Chord(notes, 1.0, Sr, cents));
        }
        return y.ToArray();
    }

    [Theory]
    [InlineData(0, KeyMode.Major, 0)]
    [InlineData(2, KeyMode.Major, 30)]
    [InlineData(9, KeyMode.Minor, 0)]
    [InlineData(6, KeyMode.Minor, -40)]
    [InlineData(10, KeyMode.Major, -20)]
    [InlineData(4, KeyMode.Minor, 15)]
    public void FindsTheKeyOfASyntheticCadence(int tonic, KeyMode mode, double cents)
    {
        var audio = AudioBuffer.FromMono(Cadence(tonic, mode, cents), Sr);
        var est = new ProfileKeyEstimator().Analyze(audio);
        Assert.Equal(new MusicalKey(tonic, mode), est.Global.Key);
        Assert.InRange(est.TuningSemitones * 100, cents - 5, cents + 5);
        Assert.Equal(24, est.Global.Scores.Length);
        Assert.Equal(1.0, est.Global.Scores.Sum(), 3);
        // The confidence is the default method's calibrated probability, not the softmax maximum.
        Assert.True(est.Global.ConfidenceCalibrated);
        Assert.InRange(est.Global.Confidence, 0.5, 1.0);
        Assert.NotEmpty(est.Local);
    }

    [Fact]
    public void EveryProfileScoresItsOwnTemplateHighest()
    {
        foreach (var p in KeyProfile.All)
            for (int tonic = 0; tonic < 12; tonic++)
            {
                var chroma = new float[12];
                for (int i = 0; i < 12; i++) chroma[(tonic + i) % 12] = (float)p.Minor[i];
                var k = ProfileKeyEstimator.FromChroma(chroma, p);
                Assert.Equal(new MusicalKey(tonic, KeyMode.Minor), k.Key);
                Assert.Equal(1.0, p.Correlate(chroma)[12 + tonic], 5);
            }
    }

    [Fact]
    public void LocalKeyCurveFollowsAModulation()
    {
        // 8 s of C major cadences then 8 s of F# major (a tritone away): the curve starts in C and ends in F#.
        var y = Cadence(0, KeyMode.Major).Concat(Cadence(0, KeyMode.Major)).Concat(Cadence(6, KeyMode.Major)).Concat(Cadence(6, KeyMode.Major)).ToArray();
        var est = new ProfileKeyEstimator(new ProfileKeyOptions { LocalWindowSeconds = 4, LocalHopSeconds = 2 }).Analyze(AudioBuffer.FromMono(y, Sr));
        Assert.Equal(new MusicalKey(0, KeyMode.Major), est.Local[0].Key);
        Assert.Equal(new MusicalKey(6, KeyMode.Major), est.Local[^1].Key);
        Assert.True(est.Local[^1].End >= 15.9);
    }

    [Fact]
    public void SilenceWarnsAndStillAnswers()
    {
        var warnings = new List<string>();
        var k = new ProfileKeyEstimator().Estimate(AudioBuffer.FromMono(new float[Sr * 2], Sr), warnings.Add);
        Assert.Single(warnings);
        Assert.InRange(k.Confidence, 0, 1);
    }

    [Fact]
    public void WorksAtOtherSampleRates()
    {
        // 8 kHz leaves fewer octaves below Nyquist; 48 kHz uses a longer hop.
        foreach (int sr in new[] { 8000, 48000 })
        {
            var y = new List<float>();
            foreach (var c in new[] { new double[] { 57, 60, 64, 45 }, [62, 65, 69, 50], [64, 68, 71, 52], [57, 60, 64, 45] })
                y.AddRange(ChromagramTests.Chord(c, 1.0, sr));
            Assert.Equal(new MusicalKey(9, KeyMode.Minor), new ProfileKeyEstimator().Estimate(AudioBuffer.FromMono(y.ToArray(), sr)).Key);
        }
    }

    /// <summary>
    /// The default estimator on the 17 gtzan20 clips with a key label, scored with mir_eval's weighted score
    /// (fifths counted upwards only). Measured 0.812 when this floor was set; the floor leaves a small margin.
    /// </summary>
    [Fact]
    public void Gtzan20WeightedScoreStaysAboveTheMeasuredFloor()
    {
        var (score, n) = Gtzan20Score(new ProfileKeyEstimator());
        Assert.Equal(17, n);
        Assert.True(score >= 0.76, $"gtzan20 MIREX weighted score {score:F3} fell below the floor 0.76");
    }

    internal static (double Score, int Count) Gtzan20Score(IKeyEstimator estimator)
    {
        var dir = SharedData.Path("data", "dev", "gtzan20");
        var labelled = Directory.GetFiles(Path.Combine(dir, "key"), "*.lerch").Order()
            .Select(f => (Id: Path.GetFileNameWithoutExtension(f), Key: KeyAnnotations.Read(f)))
            .Where(t => t.Key is not null).ToList();
        var scores = new double[labelled.Count];
        Parallel.For(0, labelled.Count, i =>
        {
            var audio = AudioFile.Load(Path.Combine(dir, "audio", labelled[i].Id + ".wav"));
            scores[i] = KeyEvaluation.Weighted(labelled[i].Key, estimator.Estimate(audio).Key, allowDescendingFifths: false);
        });
        return (scores.Average(), scores.Length);
    }
}
