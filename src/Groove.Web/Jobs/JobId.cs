using System.Security.Cryptography;

namespace Groove.Web.Jobs;

/// <summary>
/// Job ids: 128 crypto-random bits as 32 lowercase hex digits. They name folders, so anything else a client sends
/// as an id is rejected before it gets near the file system.
/// </summary>
internal static class JobId
{
    public const int Length = 32;

    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(Length / 2));

    public static bool IsValid(string? id)
    {
        if (id is null || id.Length != Length) return false;
        foreach (char c in id)
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c)) return false;
        return true;
    }
}
