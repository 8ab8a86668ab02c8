namespace Groove.Corpus;

/// <summary>How <see cref="CorpusBuilder"/> builds a corpus.</summary>
public sealed record CorpusOptions
{
    /// <summary>The cached audio's rate (samples per second; mono).</summary>
    public int SampleRate { get; init; } = 16000;

    /// <summary>Recordings whose level (RMS, dBFS) is below this are dropped as silent.</summary>
    public double SilenceDb { get; init; } = -60;

    /// <summary>Recordings whose fingerprints are at least this similar to a cached one are dropped as near duplicates.</summary>
    public double NearDuplicateSimilarity { get; init; } = 0.95;

    /// <summary>Only these packages (null: every package of the list).</summary>
    public IReadOnlyCollection<string>? Packages { get; init; }

    /// <summary>Longest recording accepted (decoding refuses longer ones as corrupt input).</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromHours(2);
}
