namespace Groove.Corpus;

/// <summary>One row of a corpus manifest: a listed recording and what became of it.</summary>
/// <param name="Package">The Debian package.</param>
/// <param name="Source">The path listed for it (inside the package, or <c>music/PACKAGE/…</c> inside an archive).</param>
/// <param name="Cached">The cached WAV, relative to the corpus folder (<c>audio/PACKAGE/NAME.wav</c>); null when dropped.</param>
/// <param name="Seconds">Decoded length in seconds (0 when it could not be decoded).</param>
/// <param name="RmsDb">Level of the decoded mono audio, dB re full scale (−150 for digital silence or no audio).</param>
/// <param name="Status">Cached, or why it was dropped.</param>
/// <param name="Reason">Details: what it duplicates, the decoder's message, decoder warnings; may be empty.</param>
public sealed record CorpusRecord(string Package, string Source, string? Cached, double Seconds, double RmsDb,
    CorpusStatus Status, string Reason)
{
    /// <summary>SHA-256 (hex) of the cached 16-bit samples; null when dropped before decoding.</summary>
    public string? AudioHash { get; init; }

    /// <summary>The coarse fingerprint of a cached recording (for finding near duplicates); null when dropped.</summary>
    public AudioFingerprint? Fingerprint { get; init; }
}
