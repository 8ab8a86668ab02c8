namespace Groove.Web.Jobs;

/// <summary>One beat in the result file: its time in seconds and its position in the bar (1 = downbeat, 0 = unknown).</summary>
internal sealed record ResultBeat(double Time, int BeatInBar);

/// <summary>What the analysis found: the JSON the page shows and the "JSON" download.</summary>
internal sealed record AnalysisResult(
    string File,
    double Duration,
    int SampleRate,
    int Channels,
    string BeatTracker,
    double Tempo,
    string? Key,
    double? KeyConfidence,
    string? KeyEstimator,
    IReadOnlyList<ResultBeat> Beats,
    IReadOnlyList<string> Warnings);

/// <summary>
/// The waveform overview: per bucket of <c>1 / BucketsPerSecond</c> seconds, the minimum and maximum of the mono
/// mix, rounded to 1/1000.
/// </summary>
internal sealed record WaveformPeaks(double BucketsPerSecond, float[] Min, float[] Max)
{
    public static WaveformPeaks From(Groove.AudioBuffer audio, double bucketsPerSecond = 100)
    {
        var mono = audio.Mono();
        int per = Math.Max(1, (int)Math.Round(audio.SampleRate / bucketsPerSecond));
        int count = (mono.Length + per - 1) / per;
        var min = new float[count];
        var max = new float[count];
        for (int b = 0; b < count; b++)
        {
            var span = mono.AsSpan(b * per, Math.Min(per, mono.Length - b * per));
            min[b] = MathF.Round(System.Numerics.Tensors.TensorPrimitives.Min(span), 3);
            max[b] = MathF.Round(System.Numerics.Tensors.TensorPrimitives.Max(span), 3);
        }
        return new WaveformPeaks((double)audio.SampleRate / per, min, max);
    }
}
