using Groove.Analysis;
using Groove.Audio;
using Groove.Evaluation.Beats;
using Groove.Evaluation.Datasets;
using Groove.IO.Annotations;
using Groove.IO.Datasets;
using Groove.Rhythm;
using Groove.Tests.Support;
using Groove.Tonality;

using Groove.Tests.Cli;

namespace Groove.Tests.Analysis;

public class AnalyzerTests
{
    /// <summary>
    /// A 44.1 kHz recording: before the pipeline was one, <c>groove beats</c> loaded it resampled to 22050 Hz while
    /// <c>groove eval</c> loaded it at its own rate, and their beats differed on this file.
    /// </summary>
    private static readonly string Recording = SharedData.Path("data", "dev", "more3", "audio", "simac_01_H_mikri_Rallou.flac");

    [Fact]
    public void EvalScoresExactlyTheBeatsThatGrooveBeatsWrites()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("audio"));
        Directory.CreateDirectory(dir.File("beats"));
        File.Copy(Recording, Path.Combine(dir.Path, "audio", "song.flac"));
        File.WriteAllText(Path.Combine(dir.Path, "beats", "song.beats"), "1.0\n1.5\n2.0\n");

        var estimator = BeatDatasetEstimators.FromTracker(BeatTrackers.Create("classical"), new BeatEvaluationOptions(BeatMetricConventions.MirEval, 0));
        var evaluated = DatasetEvaluation.Run(Dataset.Open(dir.Path).Tracks, [estimator]).ResultsOf(0).Single();
        Assert.True(evaluated.Succeeded, evaluated.Error);

        var outDir = dir.File("out");
        var run = CliProcess.Run("beats", Path.Combine(dir.Path, "audio", "song.flac"), "--model", "classical", "--out", outDir);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var written = File.ReadAllText(Path.Combine(outDir, "song.beats"));

        Assert.True(evaluated.EstimatedBeats!.Count > 20);
        // groove beats writes times to the millisecond: the same beats give the same text.
        Assert.Equal(BeatAnnotations.Format(evaluated.EstimatedBeats!, decimals: 3, alwaysWritePositions: true), written);
    }

    [Fact]
    public void EvalTempoScoresTheTripleThatGrooveTempoWrites()
    {
        var analyzer = new Analyzer(new AnalysisOptions { Key = false });
        var triple = analyzer.Analyze(Recording).Tempo!.Value;
        var run = CliProcess.Run("tempo", Recording);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(Groove.Cli.Infrastructure.ResultWriter.Tempo(triple), run.Stdout);
        Assert.True(triple.Tempo1 > 0 && triple.Tempo2 > 0, $"{triple}");
    }

    [Fact]
    public void AnalyzeGivesWhatTheTrackerAndTheKeyEstimatorGiveAlone()
    {
        var audio = AudioBuffer.FromMono(Signals.ClickTrack(110, 12), 22050);
        var tracker = new ClassicalBeatTracker();
        var key = new ProfileKeyEstimator();
        var result = new Analyzer(tracker, key).Analyze(audio);

        var beats = tracker.Track(audio);
        Assert.Equal(beats.Beats, result.Beats!.Beats);
        Assert.Equal(beats.Tempo, result.Beats.Tempo);
        Assert.Equal(MirexTempo.From(beats), result.Tempo);
        var alone = key.Analyze(audio);
        Assert.Equal(alone.Global.Key, result.Key!.Global.Key);
        Assert.Equal(alone.Global.Scores, result.Key.Global.Scores);
        Assert.Equal(alone.Local, result.Key.Local);
    }

    [Fact]
    public void ComponentsThatAreNotAskedForAreNotRun()
    {
        var audio = AudioBuffer.FromMono(Signals.ClickTrack(120, 6), 22050);
        var beatsOnly = new Analyzer(new AnalysisOptions { Key = false }).Analyze(audio);
        Assert.NotNull(beatsOnly.Beats);
        Assert.Null(beatsOnly.Key);
        var keyOnly = new Analyzer(new AnalysisOptions { Beats = false }).Analyze(audio);
        Assert.Null(keyOnly.Beats);
        Assert.Null(keyOnly.Tempo);
        Assert.NotNull(keyOnly.Key);
    }

    [Fact]
    public void UnknownNamesAreOneLineErrors()
    {
        Assert.Contains("unknown beat tracker", Assert.Throws<GrooveException>(() => new Analyzer(new AnalysisOptions { BeatTracker = "nope" })).Message);
        Assert.Contains("unknown profile", Assert.Throws<GrooveException>(() => new Analyzer(new AnalysisOptions { KeyProfile = "nope" })).Message);
    }

    [Theory]
    // t1 from the beats; the pair member farther from it is t2, with the complementary weight.
    [InlineData(120, 60, 120, 0.3, 120, 60, 0.7)]
    [InlineData(61, 60, 120, 0.8, 61, 120, 0.8)]
    // t1 keeps at least half the weight.
    [InlineData(120, 60, 120, 0.9, 120, 60, 0.5)]
    // No beats: the periodicity estimate's tempo is t1.
    [InlineData(0, 80, 160, 0.6, 100, 160, 0.6)]
    public void MirexTempoTakesTheSecondTempoFromThePair(double beatsBpm, double slow, double fast, double slowStrength, double t1, double t2, double w1)
    {
        var estimate = new TempoEstimate(100, 0.5, new TempoPair(slow, fast, slowStrength), [], 1);
        var triple = MirexTempo.From(beatsBpm, estimate);
        Assert.Equal(t1, triple.Tempo1, 9);
        Assert.Equal(t2, triple.Tempo2, 9);
        Assert.Equal(w1, triple.Weight, 9);
    }

    [Fact]
    public void MirexTempoWithoutAnyTempoIsZero() =>
        Assert.Equal(TempoAnnotation.Single(0), MirexTempo.From(0, new TempoEstimate(0, 0, default, [], 1)));
}
