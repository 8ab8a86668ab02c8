namespace Groove.Corpus;

/// <summary>What happened to one listed recording.</summary>
public enum CorpusStatus
{
    /// <summary>Decoded and written to the cache.</summary>
    Cached,
    /// <summary>Dropped: the same audio (exactly, or re-encoded) is already cached.</summary>
    Duplicate,
    /// <summary>Dropped: its level is below the silence threshold.</summary>
    Silent,
    /// <summary>Dropped: it could not be decoded.</summary>
    Corrupt,
    /// <summary>Dropped: the package does not contain it.</summary>
    Missing,
}
