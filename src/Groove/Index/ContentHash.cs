using System.Security.Cryptography;

namespace Groove.Index;

/// <summary>The content hash an index keeps per track: SHA-256 of the file's bytes, lower-case hex.</summary>
public static class ContentHash
{
    /// <summary>Hash of the file at <paramref name="path"/>.</summary>
    public static string Of(string path)
    {
        try
        {
            using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            return Convert.ToHexString(SHA256.HashData(s)).ToLowerInvariant();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new GrooveException($"{path}: cannot read ({e.Message})"); }
    }
}
