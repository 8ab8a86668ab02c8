using Groove.Audio.Decoding;

namespace Groove.Corpus;

/// <summary>
/// Gets .deb files with <c>apt-get download</c> (no installation, no root) into a folder, or takes one already there
/// (<c>PACKAGE_*.deb</c>). With <see cref="KeepDownloads"/> false the folder is scratch space: each package's .deb
/// is deleted once the package is cached (also one left there by a run that was stopped).
/// </summary>
/// <param name="folder">Where .deb files are looked for and downloaded to (created when needed).</param>
/// <param name="keepDownloads">Keep the .debs (the folder is the user's cache) rather than delete each once its package is cached.</param>
/// <param name="download">Allow downloading; false uses only .debs already in <paramref name="folder"/>.</param>
public sealed class AptDebSource(string folder, bool keepDownloads, bool download = true) : IDebSource
{
    private static readonly TimeSpan DownloadTimeout = TimeSpan.FromMinutes(30);

    /// <summary>The .deb folder.</summary>
    public string Folder { get; } = folder;

    /// <summary>Whether downloaded .debs are kept.</summary>
    public bool KeepDownloads { get; } = keepDownloads;

    /// <inheritdoc />
    public string Fetch(string package, CancellationToken cancellationToken)
    {
        if (Find(package) is { } existing) return existing;
        if (!download) throw new GrooveException($"{package}: no {package}_*.deb in {Folder}");
        // Into a private folder first: a killed download never leaves a truncated .deb where Find would take it.
        var partial = Path.Combine(Folder, $".download-{package}"); // a stopped run's leftovers are cleared here
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);
        try
        {
            var deb = Download(package, partial, cancellationToken);
            var target = Path.Combine(Folder, Path.GetFileName(deb));
            File.Move(deb, target, overwrite: true);
            return target;
        }
        finally
        {
            try { Directory.Delete(partial, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string Download(string package, string partial, CancellationToken cancellationToken)
    {
        ExternalProcess p;
        try
        {
            p = ExternalProcess.Start("apt-get", ["download", "-q", package], cancellationToken, partial);
        }
        catch (ToolMissingException)
        {
            throw new MissingToolException($"downloading packages needs apt-get (Debian/Ubuntu), which is not installed; put PACKAGE_*.deb files into a folder and pass it as the .deb folder (--debs)");
        }
        int code;
        using (p)
        {
            p.Stdout.CopyTo(Stream.Null);
            try
            {
                code = p.WaitForExit(DownloadTimeout);
            }
            catch (DecoderRefusedException e)
            {
                throw new GrooveException($"{package}: apt-get download failed ({e.Message})");
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (code != 0)
                throw new GrooveException($"{package}: apt-get download failed ({p.FirstErrorLine(package, $"exit code {code}")})");
        }
        return Directory.EnumerateFiles(partial, package + "_*.deb").FirstOrDefault()
            ?? throw new GrooveException($"{package}: apt-get download reported success but wrote no {package}_*.deb");
    }

    /// <inheritdoc />
    public void Release(string package, string debPath)
    {
        if (KeepDownloads) return;
        try { File.Delete(debPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>The newest <c>PACKAGE_*.deb</c> in the folder (apt-get names them PACKAGE_VERSION_ARCH.deb), or null.</summary>
    private string? Find(string package)
    {
        if (!Directory.Exists(Folder)) return null;
        return Directory.EnumerateFiles(Folder, package + "_*.deb")
            .Where(f => Path.GetFileName(f).Split('_')[0] == package) // not "foo-data_*" for "foo"
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault();
    }
}
