using Groove.Audio;
using Groove.Dsp;
using Groove.Rhythm;
using Groove.Tonality;

namespace Groove.Analysis;

/// <summary>
/// <see cref="Analyzer"/>'s path for long recordings: the file is decoded twice, block by block, and never held whole.
/// Pass 1 measures what the whole-file path reads from the whole signal before its frames: the mono signal's mean
/// (the DC offset the beat tracker removes), its extremes, clipping, and the tuning (<see cref="TuningEstimator.Streaming"/>).
/// Pass 2 computes the frames: the SuperFlux onset envelope (<see cref="BlockOnsetEnvelope"/>) and the key chroma
/// (<see cref="BlockChroma"/>), in overlapping segments so each frame equals the whole-file one. What is kept grows
/// with the length only by a few values per frame (the envelope at 100 frames per second, 12 chroma values at about
/// 43, the beat decoder's back-pointers); the log spectrogram the downbeats read goes to a temporary file.
/// </summary>
internal static class BlockAnalysis
{
    /// <summary>Analyses <paramref name="path"/> in blocks with <paramref name="tracker"/> and <paramref name="key"/>
    /// (either may be null).</summary>
    public static AnalysisResult Run(string path, AudioLoadOptions load, ClassicalBeatTracker? tracker, ProfileKeyEstimator? key,
        IProgress<AnalysisProgress>? progress, Action<string>? onWarning, CancellationToken ct)
    {
        load = ct.CanBeCanceled ? load with { CancellationToken = ct } : load;
        progress?.Report(new AnalysisProgress(AnalysisStage.Decoding, 0));

        // Pass 1: statistics of the whole signal.
        double sum = 0;
        float min = float.PositiveInfinity, max = float.NegativeInfinity, monoPeak = 0;
        long clipped = 0;
        TuningEstimator.Streaming? tuning = null;
        var scan = AudioFile.ReadBlocks(path, load, (mono, interleaved, info) =>
        {
            foreach (var v in mono) { sum += v; if (v < min) min = v; if (v > max) max = v; }
            if (tracker is not null) foreach (var v in interleaved) if (Math.Abs(v) >= 0.999f) clipped++;
            if (key is not null)
            {
                monoPeak = Math.Max(monoPeak, Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(mono)));
                (tuning ??= new TuningEstimator.Streaming(info.SampleRate)).Add(mono);
            }
        }, onWarning);
        int rate = scan.Info.SampleRate;
        double seconds = (double)scan.Frames / rate;
        progress?.Report(new AnalysisProgress(AnalysisStage.Decoding, 0.5));

        bool trackBeats = false;
        float mean = 0;
        if (tracker is not null)
        {
            mean = (float)(sum / scan.Frames);
            float peak = Math.Max(Math.Abs(max - mean), Math.Abs(min - mean));
            trackBeats = !AudioChecks.Judge(seconds, mean, peak, clipped, scan.Frames * scan.Info.Channels, onWarning);
        }
        string? keyProblem = null;
        double tuningSemitones = 0;
        if (key is not null)
        {
            keyProblem = KeyInputCheck.Problem(seconds, monoPeak);
            if (keyProblem is not null) onWarning?.Invoke($"no key: {keyProblem}");
            else tuningSemitones = tuning?.Finish() ?? 0;
        }

        // Pass 2: the frames.
        using var envelope = trackBeats ? new BlockOnsetEnvelope(tracker!.OnsetStrength, rate) : null;
        var chroma = key is not null && keyProblem is null ? key.BeginBlocks(rate, tuningSemitones) : null;
        if (envelope is not null || chroma is not null)
        {
            float[] centred = [];
            AudioFile.ReadBlocks(path, load, (mono, _, _) =>
            {
                if (envelope is not null)
                {
                    if (centred.Length < mono.Length) centred = new float[mono.Length];
                    var c = centred.AsSpan(0, mono.Length);
                    for (int i = 0; i < c.Length; i++) c[i] = mono[i] - mean;
                    envelope.Add(c);
                }
                chroma?.Add(mono);
            });
        }
        progress?.Report(new AnalysisProgress(AnalysisStage.Decoding, 1));

        BeatTrackingResult? beats = null;
        if (tracker is not null)
        {
            progress?.Report(new AnalysisProgress(AnalysisStage.Beats, 0));
            if (envelope is null) beats = tracker.Nothing;
            else
            {
                var (e, rows) = envelope.Finish();
                beats = tracker.FromEnvelope(e, rows, onWarning, ct);
            }
            progress?.Report(new AnalysisProgress(AnalysisStage.Beats, 1));
        }
        KeyAnalysis? keyResult = null;
        if (key is not null)
        {
            progress?.Report(new AnalysisProgress(AnalysisStage.Key, 0));
            keyResult = chroma is null
                ? new KeyAnalysis(KeyEstimate.None(keyProblem!), [], 0)
                : key.FromChromagram(chroma.Finish(), tuningSemitones, onWarning);
            progress?.Report(new AnalysisProgress(AnalysisStage.Key, 1));
        }
        return new AnalysisResult(null, beats, beats is null ? null : MirexTempo.From(beats), keyResult)
        {
            Duration = seconds, SampleRate = rate, ChannelCount = scan.Info.Channels,
        };
    }
}
