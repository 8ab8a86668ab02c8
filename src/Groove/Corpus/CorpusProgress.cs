namespace Groove.Corpus;

/// <summary>Where a corpus build is: <paramref name="Done"/> of <paramref name="Total"/> listed recordings handled.</summary>
/// <param name="Done">Recordings handled so far (those of finished packages included).</param>
/// <param name="Total">Recordings of the selected packages.</param>
/// <param name="Package">The package being worked on.</param>
/// <param name="Activity">What is happening: "fetching", "extracting", "decoding NAME", then "done: N cached, M dropped"
/// or "failed" once per package.</param>
public sealed record CorpusProgress(int Done, int Total, string Package, string Activity);
