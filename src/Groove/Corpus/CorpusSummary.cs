using System.Globalization;

namespace Groove.Corpus;

/// <summary>The state of a corpus after a build: totals over every finished package in its folder.</summary>
/// <param name="Records">corpus.tsv's rows.</param>
/// <param name="PackagesBuilt">Packages finished by this run.</param>
/// <param name="PackagesAlreadyDone">Selected packages that an earlier run had finished (skipped).</param>
/// <param name="FailedPackages">Packages this run could not fetch or read, with the one-line reason; a next run retries them.</param>
public sealed record CorpusSummary(IReadOnlyList<CorpusRecord> Records, int PackagesBuilt, int PackagesAlreadyDone,
    IReadOnlyList<(string Package, string Reason)> FailedPackages)
{
    /// <summary>Recordings in the cache.</summary>
    public int CachedFiles => Records.Count(r => r.Status == CorpusStatus.Cached);

    /// <summary>Hours of cached audio.</summary>
    public double CachedHours => Records.Where(r => r.Status == CorpusStatus.Cached).Sum(r => r.Seconds) / 3600;

    /// <summary>Dropped recordings by reason.</summary>
    public IReadOnlyDictionary<CorpusStatus, int> Dropped =>
        Records.Where(r => r.Status != CorpusStatus.Cached).GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>One line: files cached, hours, dropped with reasons, failed packages.</summary>
    public string Describe()
    {
        var dropped = Dropped;
        var line = string.Create(CultureInfo.InvariantCulture, $"{CachedFiles} files cached ({CachedHours:F2} h)");
        line += dropped.Count == 0 ? ", none dropped"
            : $", {dropped.Values.Sum()} dropped (" + string.Join(", ", dropped.OrderBy(kv => kv.Key).Select(kv => $"{kv.Value} {kv.Key.ToString().ToLowerInvariant()}")) + ")";
        if (FailedPackages.Count > 0)
            line += $"; {FailedPackages.Count} package(s) failed ({string.Join(", ", FailedPackages.Select(f => f.Package))}): run again to retry";
        return line;
    }
}
