using Groove.Audio;
using Groove.IO.Annotations;
using Groove.Evaluation.Beats;
using Groove.Evaluation.Datasets;
using Groove.Rhythm;
using Groove.Tests.Support;
using Groove.IO.Datasets;

namespace Groove.Tests.Evaluation;

public class DatasetTests
{
    [Fact]
    public void Lists_gtzan20_tracks_with_their_annotation_files()
    {
        var data = Dataset.Open(SharedData.Path("data", "dev", "gtzan20"));
        Assert.Equal(20, data.Tracks.Count);
        Assert.Equal(["beats", "genre", "key", "tempo"], data.AnnotationKinds.Order());
        var blues = data.Tracks[0];
        Assert.Equal("gtzan_blues_00000", blues.Name);
        Assert.EndsWith(Path.Combine("audio", "gtzan_blues_00000.wav"), blues.AudioPath);
        Assert.EndsWith("gtzan_blues_00000.beats", blues.AnnotationPath("beats"));
        Assert.EndsWith("gtzan_blues_00000.bpm", blues.AnnotationPath("tempo"));
        Assert.EndsWith("gtzan_blues_00000.lerch", blues.AnnotationPath("key"));
        Assert.Null(blues.AnnotationPath("downbeats"));
    }

    [Fact]
    public void Lists_more3_with_flac_and_wav_audio()
    {
        var data = Dataset.Open(SharedData.Path("data", "dev", "more3"));
        Assert.Equal(["Media-105901", "hains001", "simac_01_H_mikri_Rallou"], data.Tracks.Select(t => t.Name));
        Assert.All(data.Tracks, t => Assert.NotNull(t.AudioPath));
        Assert.All(data.Tracks, t => Assert.NotNull(t.AnnotationPath("tempo")));
    }

    [Fact]
    public void Picks_the_beats_file_when_madmom_wrote_beats_and_tempo_side_by_side()
    {
        var folder = new EstimateFolder(SharedData.Path("conformance", "dbn", "smc", "detections", "multi_task"));
        Assert.EndsWith("smc_001.beats.txt", folder.FileFor("smc_001", "beats"));
        Assert.EndsWith("smc_001.bpm.txt", folder.FileFor("smc_001", "tempo"));
        Assert.Throws<GrooveException>(() => folder.FileFor("smc_001", "key"));
        Assert.Equal("multi_task", folder.Name);
    }

    /// <summary>A tracker that puts a beat every half second of the audio it is given.</summary>
    private sealed class MetronomeTracker : IBeatTracker
    {
        public string Name => "metronome";
        public int Calls;

        public BeatTrackingResult Track(AudioBuffer audio, IProgress<double>? progress = null, Action<string>? onWarning = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Calls);
            var beats = Enumerable.Range(0, (int)(audio.Duration / 0.5)).Select(i => new Beat(i * 0.5, 0)).ToList();
            return new BeatTrackingResult(beats, 120, [], 0);
        }
    }

    [Fact]
    public void Runs_a_beat_tracker_over_the_dataset_audio()
    {
        var data = Dataset.Open(SharedData.Path("data", "dev", "gtzan20"));
        var tracks = BeatDatasetEstimators.TracksWithBeats(data).Take(3).ToList();
        var tracker = new MetronomeTracker();
        var options = new BeatEvaluationOptions();
        var evaluation = DatasetEvaluation.Run(tracks, [BeatDatasetEstimators.FromTracker(tracker, options)], maxParallelism: 2);
        Assert.Equal(3, tracker.Calls);
        Assert.Equal(["metronome"], evaluation.Estimators);
        for (int t = 0; t < tracks.Count; t++)
        {
            var r = evaluation.Result(0, t);
            Assert.True(r.Succeeded, r.Error);
            Assert.Equal(30.0, r.Duration, 0.1);
            int n = (int)(AudioFile.Load(tracks[t].AudioPath!).Duration / 0.5);
            var expected = BeatEvaluation.Evaluate(BeatAnnotations.Read(tracks[t].AnnotationPath("beats")!),
                Enumerable.Range(0, n).Select(i => new Beat(i * 0.5, 0)).ToList(), options);
            Assert.Equal(expected[BeatEvaluation.FMeasure], r.Scores![BeatEvaluation.FMeasure]);
            Assert.Equal(expected[BeatEvaluation.Amlt], r.Scores![BeatEvaluation.Amlt]);
        }
        var f = evaluation.Summary(0).Single(s => s.Metric == BeatEvaluation.FMeasure);
        Assert.Equal(3, f.Count);
        Assert.Equal(evaluation.ResultsOf(0).Average(r => r.Scores![BeatEvaluation.FMeasure]), f.Mean, 12);
    }
}
