using Groove.Audio;
using Groove.IO.Annotations;
using Groove.Evaluation.Beats;
using Groove.Rhythm;
using Groove.Tests.Support;

namespace Groove.Tests.Rhythm;

public class ClassicalBeatTrackerTests
{
    /// <summary>
    /// The default tracker on the 20 GTZAN development clips: mir_eval F (beats before 5 s ignored) measured
    /// 0.9256 when tuned (see bench/beats/README.md); this guards against regressions with a small margin.
    /// Tempo (median inter-beat interval) within 4 % of the annotation on 18/20; downbeat F 0.4712.
    /// </summary>
    [Fact]
    public void Gtzan20MeanFMeasureStaysAboveTunedValue()
    {
        var dir = SharedData.Path("data", "dev", "gtzan20");
        var files = Directory.GetFiles(Path.Combine(dir, "audio"), "*.wav").OrderBy(f => f, StringComparer.Ordinal).ToArray();
        Assert.Equal(20, files.Length);
        var tracker = BeatTrackers.Create();
        var scores = new double[files.Length];
        var tempoOk = new bool[files.Length];
        var downbeatScores = new double[files.Length];
        Parallel.For(0, files.Length, i =>
        {
            var name = Path.GetFileNameWithoutExtension(files[i]);
            var audio = AudioFile.Load(files[i], new AudioLoadOptions { Mono = true, SampleRate = 22050 });
            var result = tracker.Track(audio);
            var reference = BeatAnnotations.ReadTimes(Path.Combine(dir, "beats", name + ".beats"));
            scores[i] = MirEvalBeatMetrics.FMeasure(MirEvalBeatMetrics.Trim(reference),
                MirEvalBeatMetrics.Trim(result.Beats.Select(b => b.Time).ToArray()));
            var refDown = BeatAnnotations.Read(Path.Combine(dir, "beats", name + ".beats")).Where(b => b.IsDownbeat).Select(b => b.Time).ToArray();
            downbeatScores[i] = MirEvalBeatMetrics.FMeasure(MirEvalBeatMetrics.Trim(refDown),
                MirEvalBeatMetrics.Trim(result.Beats.Where(b => b.IsDownbeat).Select(b => b.Time).ToArray()));
            double refTempo = TempoAnnotations.Read(Path.Combine(dir, "tempo", name + ".bpm")).Strongest;
            tempoOk[i] = Math.Abs(result.Tempo - refTempo) <= 0.04 * refTempo;
        });
        double mean = scores.Average();
        Assert.True(mean >= 0.90, $"gtzan20 mean F = {mean:F4} (tuned: 0.9256)");
        Assert.True(tempoOk.Count(x => x) >= 16, $"tempo within 4 % on {tempoOk.Count(x => x)}/20");
        Assert.True(downbeatScores.Average() >= 0.42, $"gtzan20 mean downbeat F = {downbeatScores.Average():F4} (tuned: 0.4712)");
    }

    [Theory]
    [InlineData(100.0)]
    [InlineData(140.0)]
    public void FollowsAClickTrackWithItsBars(double bpm)
    {
        var x = Signals.ClickTrack(bpm, 20, accentEvery: 4);
        var result = new ClassicalBeatTracker().Track(AudioBuffer.FromMono(x, 22050));
        Assert.InRange(result.Tempo, bpm * 0.98, bpm * 1.02);
        var expected = Enumerable.Range(0, 100).Select(k => 0.1 + k * 60 / bpm).Where(t => t < 20).ToArray();
        var times = result.Beats.Select(b => b.Time).ToArray();
        Assert.True(MirEvalBeatMetrics.FMeasure(expected, times) > 0.95);
        // Downbeats on the accented (bass) clicks: beats 0, 4, 8, ...
        var downs = result.Beats.Where(b => b.IsDownbeat).Select(b => b.Time).ToArray();
        Assert.True(MirEvalBeatMetrics.FMeasure(expected.Where((_, k) => k % 4 == 0).ToArray(), downs) > 0.9);
    }

    [Fact]
    public void SilenceGivesNoBeatsAndAWarning()
    {
        var warnings = new List<string>();
        var result = new ClassicalBeatTracker().Track(AudioBuffer.FromMono(new float[22050 * 5], 22050), onWarning: warnings.Add);
        Assert.Empty(result.Beats);
        Assert.Contains(warnings, w => w.Contains("silent"));
    }

    [Fact]
    public void ShortOffsetAndClippedInputsWarnButWork()
    {
        var warnings = new List<string>();
        var x = Signals.ClickTrack(120, 1.5);
        for (int i = 0; i < x.Length; i++) x[i] = Math.Clamp(x[i] * 4 + 0.2f, -1f, 1f);
        var result = new ClassicalBeatTracker().Track(AudioBuffer.FromMono(x, 22050), onWarning: warnings.Add);
        Assert.Contains(warnings, w => w.Contains("1.50 s"));
        Assert.Contains(warnings, w => w.Contains("DC offset"));
        Assert.Contains(warnings, w => w.Contains("clips"));
        Assert.All(result.Beats, b => Assert.InRange(b.Time, 0, 1.5));
        // Tiny inputs: no crash.
        Assert.DoesNotContain(new ClassicalBeatTracker().Track(AudioBuffer.FromMono(new float[10], 22050)).Beats, b => b.Time > 1);
    }

    [Fact]
    public void ExtremeTempiFallBackToTheModelledRange()
    {
        // 400 BPM clicks: beyond the model, so beats come at a metrical level it can represent (≤ 215 BPM).
        var result = new ClassicalBeatTracker().Track(AudioBuffer.FromMono(Signals.ClickTrack(400, 10), 22050));
        Assert.InRange(result.Tempo, 55, 216);
        Assert.NotEmpty(result.Beats);
    }

    [Fact]
    public void RegistryCreatesEveryNamedTracker()
    {
        Assert.Equal("classical", BeatTrackers.DefaultName);
        foreach (var name in BeatTrackers.Names) Assert.Equal(name, BeatTrackers.Create(name).Name);
        Assert.Throws<Groove.GrooveException>(() => BeatTrackers.Create("nope"));
        var x = Signals.ClickTrack(120, 12);
        var ellis = BeatTrackers.Create("ellis").Track(AudioBuffer.FromMono(x, 22050));
        Assert.InRange(ellis.Tempo, 117, 123);
    }
}
