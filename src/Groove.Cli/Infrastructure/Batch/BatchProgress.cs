using System.Globalization;

namespace Groove.Cli.Infrastructure.Batch;

/// <summary>The throughput and time-left arithmetic of a catalogue run, and its one-line reports.</summary>
/// <param name="Finished">Tracks this run has finished (analysed or failed).</param>
/// <param name="ToDo">Tracks this run set out to do (its shard less those already done).</param>
/// <param name="Failed">Of <paramref name="Finished"/>, how many failed.</param>
/// <param name="Elapsed">Time since the run started analysing.</param>
internal readonly record struct BatchProgress(int Finished, int ToDo, int Failed, TimeSpan Elapsed)
{
    private static readonly CultureInfo Ic = CultureInfo.InvariantCulture;

    /// <summary>Tracks finished per second so far (0 before the first).</summary>
    public double TracksPerSecond => Elapsed.TotalSeconds > 0 ? Finished / Elapsed.TotalSeconds : 0;

    /// <summary>Time left at the rate so far; null before the first track finishes.</summary>
    public TimeSpan? Remaining => Finished == 0 ? null : TimeSpan.FromSeconds((ToDo - Finished) / TracksPerSecond);

    /// <summary>"120/625 tracks (19%), 3 failed, 4.10 tracks/s, 2m03s left".</summary>
    public string Line()
    {
        double percent = ToDo == 0 ? 100 : 100.0 * Finished / ToDo;
        var left = Remaining is { } r ? Duration(r) + " left" : "time left unknown";
        return string.Create(Ic, $"{Finished}/{ToDo} tracks ({percent:F0}%), {Failed} failed, {TracksPerSecond:F2} tracks/s, {left}");
    }

    /// <summary>"3h05m", "2m03s", "41s".</summary>
    public static string Duration(TimeSpan t)
    {
        if (t.TotalHours >= 1) return string.Create(Ic, $"{(int)t.TotalHours}h{t.Minutes:D2}m");
        if (t.TotalMinutes >= 1) return string.Create(Ic, $"{(int)t.TotalMinutes}m{t.Seconds:D2}s");
        return string.Create(Ic, $"{t.TotalSeconds:F0}s");
    }
}
