namespace Groove.Audio;

/// <summary>
/// An input longer than the limit on one file's length (<see cref="AudioLoadOptions.MaxDuration"/>). The message
/// names the file, its length when known, and the limit; how to raise the limit depends on the caller (a command-line
/// option, a server setting), so callers may add that.
/// </summary>
public sealed class AudioTooLongException(string message, TimeSpan limit) : GrooveException(message)
{
    /// <summary>The limit the file went over.</summary>
    public TimeSpan Limit { get; } = limit;
}
