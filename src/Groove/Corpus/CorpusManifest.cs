using System.Globalization;
using System.Text;
using Groove.IO;

namespace Groove.Corpus;

/// <summary>
/// The corpus folder's text files: <c>corpus.tsv</c> (package, source, cached, seconds, rms_db, status, reason;
/// one row per listed recording of every finished package) and the per-package state files under
/// <c>packages/</c>, which also keep each cached file's audio hash and fingerprint, and whose existence marks the
/// package as done.
/// </summary>
public static class CorpusManifest
{
    /// <summary>The header of <c>corpus.tsv</c>.</summary>
    public const string Header = "package\tsource\tcached\tseconds\trms_db\tstatus\treason";

    private const string StateHeader = "source\tcached\tseconds\trms_db\tstatus\treason\tsha256\tfingerprint";

    /// <summary>Writes <c>corpus.tsv</c> atomically.</summary>
    /// <param name="path">The manifest file.</param>
    /// <param name="records">The rows, in order.</param>
    public static void Write(string path, IEnumerable<CorpusRecord> records)
    {
        var sb = new StringBuilder(Header).Append('\n');
        foreach (var r in records)
            sb.Append(r.Package).Append('\t').Append(CommonColumns(r)).Append('\n');
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    /// <summary>Reads <c>corpus.tsv</c> (hashes and fingerprints are not in it).</summary>
    /// <param name="path">The manifest file.</param>
    public static IReadOnlyList<CorpusRecord> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != Header) throw new GrooveException($"{path}: not a corpus manifest");
        var rows = new List<CorpusRecord>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var c = lines[i].Split('\t');
            if (c.Length != 7) throw new GrooveException($"{path}:{i + 1}: expected 7 columns, found {c.Length}");
            rows.Add(ParseCommon(c[0], c.AsSpan(1), path, i + 1));
        }
        return rows;
    }

    /// <summary>Writes a package's state file atomically (this marks the package as done).</summary>
    /// <param name="path">The state file.</param>
    /// <param name="records">The package's rows, in list order.</param>
    public static void WritePackageState(string path, IEnumerable<CorpusRecord> records)
    {
        var sb = new StringBuilder(StateHeader).Append('\n');
        foreach (var r in records)
            sb.Append(CommonColumns(r)).Append('\t').Append(r.AudioHash ?? "").Append('\t')
              .Append(r.Fingerprint is { } f ? Convert.ToBase64String(f.Levels) : "").Append('\n');
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    /// <summary>Reads a package's state file; null when it is damaged (then the package is simply redone).</summary>
    /// <param name="path">The state file.</param>
    /// <param name="package">The package it belongs to.</param>
    public static IReadOnlyList<CorpusRecord>? ReadPackageState(string path, string package)
    {
        try
        {
            var lines = File.ReadAllLines(path);
            if (lines.Length == 0 || lines[0] != StateHeader) return null;
            var rows = new List<CorpusRecord>();
            for (int i = 1; i < lines.Length; i++)
            {
                if (lines[i].Length == 0) continue;
                var c = lines[i].Split('\t');
                if (c.Length != 8) return null;
                rows.Add(ParseCommon(package, c.AsSpan(0, 6), path, i + 1) with
                {
                    AudioHash = c[6].Length > 0 ? c[6] : null,
                    Fingerprint = c[7].Length > 0 ? new AudioFingerprint(Convert.FromBase64String(c[7])) : null,
                });
            }
            return rows;
        }
        catch (Exception e) when (e is GrooveException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    private static string CommonColumns(CorpusRecord r) => string.Join('\t',
        Clean(r.Source), r.Cached ?? "", r.Seconds.ToString("F3", CultureInfo.InvariantCulture),
        r.RmsDb.ToString("F1", CultureInfo.InvariantCulture), r.Status.ToString().ToLowerInvariant(), Clean(r.Reason));

    private static CorpusRecord ParseCommon(string package, ReadOnlySpan<string> c, string path, int line)
    {
        if (!double.TryParse(c[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            || !double.TryParse(c[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var rms)
            || !Enum.TryParse<CorpusStatus>(c[4], ignoreCase: true, out var status))
            throw new GrooveException($"{path}:{line}: not a corpus manifest row");
        return new CorpusRecord(package, c[0], c[1].Length > 0 ? c[1] : null, seconds, rms, status, c[5]);
    }

    /// <summary>Tabs and line breaks would break the TSV: they become spaces.</summary>
    private static string Clean(string s) => s.Replace('\t', ' ').ReplaceLineEndings(" ");
}
