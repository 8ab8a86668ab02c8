namespace Groove;

/// <summary>
/// An error caused by the user's input (a bad file, a wrong shape, a missing tool), with a message that is
/// complete in one line. The CLI prints <see cref="Exception.Message"/> alone, without a stack trace.
/// Anything else that escapes is a bug in Groove.
/// </summary>
public class GrooveException : Exception
{
    public GrooveException(string message) : base(OneLine(message)) { }
    public GrooveException(string message, Exception inner) : base(OneLine(message), inner) { }

    /// <summary>Line breaks (from a quoted header or a file name) become spaces: the message stays one line.</summary>
    private static string OneLine(string message) =>
        message is null ? "" : message.ReplaceLineEndings(" ").Replace('\0', ' ');
}
