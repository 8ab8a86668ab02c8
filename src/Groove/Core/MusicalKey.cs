namespace Groove;

/// <summary>A key: tonic pitch class (0 = C … 11 = B) and mode.</summary>
public readonly record struct MusicalKey(int Tonic, KeyMode Mode)
{
    private static readonly string[] Names = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"];

    /// <summary>How many keys <see cref="Index"/> and <see cref="FromIndex"/> number: 12 major, then 12 minor.</summary>
    public const int Count = 24;

    /// <summary>This key's position among the 24 (major first): mode·12 + tonic, the order of every 24-key score array.</summary>
    public int Index => (Mode == KeyMode.Major ? 0 : 12) + Tonic;

    /// <summary>The key at <paramref name="index"/> (0–23) in <see cref="Index"/>'s order.</summary>
    public static MusicalKey FromIndex(int index) =>
        (uint)index < Count ? new MusicalKey(index % 12, index < 12 ? KeyMode.Major : KeyMode.Minor)
                            : throw new ArgumentOutOfRangeException(nameof(index), index, "a key index is 0 to 23");

    public override string ToString() => $"{Names[Tonic]} {(Mode == KeyMode.Major ? "major" : "minor")}";
}

public enum KeyMode { Major, Minor }
