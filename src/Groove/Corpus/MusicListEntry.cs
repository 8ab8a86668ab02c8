namespace Groove.Corpus;

/// <summary>
/// One recording listed in a Debian music list (<c>debian_music.tsv</c>): the package that ships it and where.
/// </summary>
/// <param name="Package">The Debian package name.</param>
/// <param name="Path">Either an absolute path inside the package (<c>/usr/share/games/…/x.ogg</c>) or, for music kept
/// inside a zip archive of the package (<c>public.zip</c>, <c>*.pk3</c>), <c>music/PACKAGE/PATH-IN-ARCHIVE</c>.</param>
/// <param name="Line">The 1-based line of the list it came from (for messages).</param>
public sealed record MusicListEntry(string Package, string Path, int Line)
{
    /// <summary>True when the recording is a member of a zip archive inside the package.</summary>
    public bool IsInArchive => !Path.StartsWith('/');

    /// <summary>For <see cref="IsInArchive"/> entries, the member's path inside its archive; otherwise null.</summary>
    public string? ArchiveMember => IsInArchive ? Path[$"music/{Package}/".Length..] : null;

    /// <summary>For entries that are plain files of the package, the path without its leading slash (as a .deb's tar holds it).</summary>
    public string? PackageFile => IsInArchive ? null : Path.TrimStart('/');
}
