namespace Groove.Corpus;

/// <summary>Where <see cref="CorpusBuilder"/> gets a Debian package's .deb file from.</summary>
public interface IDebSource
{
    /// <summary>Returns the path of a .deb file of <paramref name="package"/>, downloading it if needed.</summary>
    /// <param name="package">The package name.</param>
    /// <param name="cancellationToken">Stops a download.</param>
    /// <exception cref="GrooveException">The package cannot be had (unknown, no network, tool missing).</exception>
    string Fetch(string package, CancellationToken cancellationToken);

    /// <summary>Called once the package's music is cached: the source may delete a .deb it downloaded only for this run.</summary>
    /// <param name="package">The package name.</param>
    /// <param name="debPath">The path <see cref="Fetch"/> returned.</param>
    void Release(string package, string debPath);
}
