namespace Groove.Corpus.Render;

/// <summary>What <c>groove corpus render</c> is given.</summary>
public sealed record RenderSettings
{
    /// <summary>Output folder.</summary>
    public required string OutDir { get; init; }
    /// <summary>Render at most this many clips (the plan's first N; 0 = all).</summary>
    public int Limit { get; init; }
    /// <summary>Seed of every random choice.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Clip length in seconds.</summary>
    public double ClipSeconds { get; init; } = 30;
    /// <summary>Groove MIDI Dataset folder (with info.csv); null: not used.</summary>
    public string? GrooveMidiDir { get; init; }
    /// <summary>Nottingham MIDI folder; null: not used.</summary>
    public string? NottinghamDir { get; init; }
    /// <summary>mma's groove library (stdlib); null: not used.</summary>
    public string? MmaLibrary { get; init; }
    /// <summary>mma songs to plan.</summary>
    public int MmaSongs { get; init; } = 2000;
    /// <summary>General MIDI soundfonts to choose from.</summary>
    public IReadOnlyList<string> SoundFonts { get; init; } = [];
    /// <summary>Fraction of Nottingham tunes and mma groove files held out for validation.</summary>
    public double ValidationFraction { get; init; } = 0.15;
}
