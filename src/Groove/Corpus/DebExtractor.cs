using System.Formats.Tar;
using System.IO.Compression;
using Groove.Audio.Decoding;

namespace Groove.Corpus;

/// <summary>
/// Takes listed recordings out of a .deb without installing or unpacking the whole package: the package's file
/// tree is streamed through <c>dpkg-deb --fsys-tarfile</c> (which knows every compression a .deb may use) and only
/// the listed files, and the zip archives (<c>*.zip</c>, <c>*.pk3</c>) when some recording lives inside one, are
/// written to a work folder. Symbolic and hard links to other files of the package are followed.
/// </summary>
public static class DebExtractor
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(20);

    /// <summary>
    /// Extracts <paramref name="entries"/> (all of one package) from <paramref name="debPath"/> into
    /// <paramref name="workDir"/> and returns where each found recording now is; recordings the package does not
    /// have are missing from the result.
    /// </summary>
    /// <param name="debPath">The .deb file.</param>
    /// <param name="entries">The package's listed recordings.</param>
    /// <param name="workDir">An empty scratch folder (the caller deletes it).</param>
    /// <param name="cancellationToken">Stops the extraction (and kills dpkg-deb).</param>
    /// <exception cref="GrooveException">dpkg-deb is missing or the file is not a readable .deb, or an archive is damaged.</exception>
    public static IReadOnlyDictionary<MusicListEntry, string> Extract(string debPath, IReadOnlyList<MusicListEntry> entries,
        string workDir, CancellationToken cancellationToken)
    {
        var root = Path.Combine(workDir, "root");
        Directory.CreateDirectory(root);
        var wanted = new HashSet<string>(entries.Where(e => !e.IsInArchive).Select(e => e.PackageFile!), StringComparer.Ordinal);
        bool needArchives = entries.Any(e => e.IsInArchive);
        var links = new Dictionary<string, string>(StringComparer.Ordinal); // wanted path → path it links to
        var archives = new List<string>();

        // Pass 1 takes the wanted files and archives; a further pass takes what wanted links point to.
        var toRead = new HashSet<string>(wanted, StringComparer.Ordinal);
        for (int pass = 0; pass < 4 && (pass == 0 || toRead.Count > 0); pass++)
        {
            var next = new HashSet<string>(StringComparer.Ordinal);
            ReadTar(debPath, toRead, needArchives && pass == 0, root, links, next, archives, cancellationToken);
            next.RemoveWhere(target => File.Exists(Path.Combine(root, target))); // came later in the same pass
            toRead = next;
        }

        var found = new Dictionary<MusicListEntry, string>();
        foreach (var e in entries.Where(e => !e.IsInArchive))
            if (Resolve(e.PackageFile!, links, root) is { } local) found[e] = local;

        var members = entries.Where(e => e.IsInArchive).ToList();
        if (members.Count > 0)
            ExtractMembers(archives, members, Path.Combine(workDir, "members"), found, cancellationToken);
        return found;
    }

    private static string? Resolve(string path, Dictionary<string, string> links, string root)
    {
        for (int hops = 0; hops < 8; hops++)
        {
            if (!links.TryGetValue(path, out var target))
            {
                var local = Path.Combine(root, path);
                return File.Exists(local) ? local : null;
            }
            path = target;
        }
        return null; // a loop of links
    }

    private static void ReadTar(string debPath, HashSet<string> toRead, bool takeArchives, string root,
        Dictionary<string, string> links, HashSet<string> next, List<string> archives, CancellationToken cancellationToken)
    {
        ExternalProcess p;
        try
        {
            p = ExternalProcess.Start("dpkg-deb", ["--fsys-tarfile", debPath], cancellationToken);
        }
        catch (ToolMissingException)
        {
            throw new MissingToolException("building a corpus needs dpkg-deb, which is not installed (apt-get install dpkg)");
        }
        using (p)
        {
            var remaining = new HashSet<string>(toRead, StringComparer.Ordinal);
            bool stoppedEarly = false;
            try
            {
                using var tar = new TarReader(p.Stdout, leaveOpen: true);
                while (tar.GetNextEntry(copyData: false) is { } entry)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var name = Normalize(entry.Name);
                    if (name.Length == 0 || name.Split('/').Contains("..")) continue;
                    bool isWanted = remaining.Contains(name);
                    if (isWanted && entry.EntryType is TarEntryType.SymbolicLink or TarEntryType.HardLink)
                    {
                        var target = entry.EntryType == TarEntryType.HardLink
                            ? Normalize(entry.LinkName)
                            : CombineInside(entry.LinkName.StartsWith('/') ? "" : name, entry.LinkName);
                        if (target.Length == 0 || target.Split('/').Contains("..")) continue;
                        links[name] = target;
                        remaining.Remove(name);
                        if (!File.Exists(Path.Combine(root, target))) next.Add(target);
                        continue;
                    }
                    if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile))
                        continue;
                    bool isArchive = takeArchives && (name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".pk3", StringComparison.OrdinalIgnoreCase));
                    if (!isWanted && !isArchive) continue;
                    var local = Path.Combine(root, name);
                    Directory.CreateDirectory(Path.GetDirectoryName(local)!);
                    using (var output = new FileStream(local, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                        entry.DataStream?.CopyTo(output);
                    remaining.Remove(name);
                    if (isArchive) archives.Add(local);
                    if (remaining.Count == 0 && !takeArchives) { stoppedEarly = true; break; }
                }
            }
            catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new GrooveException($"{debPath}: not a readable .deb ({p.FirstErrorLine(debPath, e.Message)})");
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (stoppedEarly) return; // disposing kills dpkg-deb, which would only stream the rest of the package
            p.Stdout.CopyTo(Stream.Null);
            int code;
            try
            {
                code = p.WaitForExit(ToolTimeout);
            }
            catch (DecoderRefusedException e)
            {
                throw new GrooveException($"{debPath}: {e.Message}");
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (code != 0)
                throw new GrooveException($"{debPath}: not a readable .deb (dpkg-deb: {p.FirstErrorLine(debPath, $"exit code {code}")})");
        }
    }

    /// <summary>Finds each member in the archives (exactly, else as a path suffix) and copies it out.</summary>
    private static void ExtractMembers(List<string> archives, List<MusicListEntry> members, string outDir,
        Dictionary<MusicListEntry, string> found, CancellationToken cancellationToken)
    {
        var pending = new List<MusicListEntry>(members);
        foreach (var archivePath in archives.Order(StringComparer.Ordinal))
        {
            if (pending.Count == 0) break;
            ZipArchive zip;
            try
            {
                zip = ZipFile.OpenRead(archivePath);
            }
            catch (InvalidDataException)
            {
                continue; // a .zip/.pk3 that is not a zip archive cannot hold our music
            }
            using (zip)
            {
                var byName = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
                foreach (var z in zip.Entries)
                    byName.TryAdd(Normalize(z.FullName.Replace('\\', '/')), z);
                foreach (var e in pending.ToList())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var member = e.ArchiveMember!;
                    if (!byName.TryGetValue(member, out var z))
                        z = byName.Where(kv => kv.Key.EndsWith("/" + member, StringComparison.Ordinal))
                                  .OrderBy(kv => kv.Key.Length).ThenBy(kv => kv.Key, StringComparer.Ordinal)
                                  .Select(kv => kv.Value).FirstOrDefault();
                    if (z is null) continue;
                    var local = Path.Combine(outDir, Path.GetFileName(archivePath), member);
                    Directory.CreateDirectory(Path.GetDirectoryName(local)!);
                    try
                    {
                        using var src = z.Open();
                        using var dst = new FileStream(local, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
                        src.CopyTo(dst);
                    }
                    catch (InvalidDataException ex)
                    {
                        throw new GrooveException($"{archivePath}: damaged member {z.FullName} ({ex.Message})");
                    }
                    found[e] = local;
                    pending.Remove(e);
                }
            }
        }
    }

    /// <summary>A tar or zip name as a relative path: no leading "./" or "/", no trailing "/".</summary>
    private static string Normalize(string name)
    {
        while (name.StartsWith("./", StringComparison.Ordinal)) name = name[2..];
        return name.TrimStart('/').TrimEnd('/');
    }

    /// <summary>A symlink target relative to the link's folder, resolved to a path inside the package.</summary>
    private static string CombineInside(string linkPath, string target)
    {
        var parts = linkPath.Length == 0 ? [] : new List<string>(linkPath.Split('/')[..^1]);
        foreach (var part in target.Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(part);
        }
        return string.Join('/', parts);
    }
}
