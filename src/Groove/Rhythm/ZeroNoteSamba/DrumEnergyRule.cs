namespace Groove.Rhythm.ZeroNoteSamba;

/// <summary>
/// Zero-Note Samba's rule for choosing training excerpts with enough drums (Desblancs et al., TASLP 2023, and their
/// stem check): the frame-wise RMS (2048-sample frames, hop 512) of the percussive part must lie between half and
/// four times that of the non-percussive part in more than a fraction <see cref="MinFraction"/> (0.3) of the frames.
/// When no excerpt of a track passes after <see cref="TriesBeforeRelaxing"/> tries, the fraction is halved, as the
/// paper's code does.
/// </summary>
public sealed record DrumEnergyRule
{
    /// <summary>Fraction of frames that must be balanced.</summary>
    public double MinFraction { get; init; } = 0.3;
    /// <summary>Lowest percussive/non-percussive RMS ratio of a balanced frame.</summary>
    public double MinRatio { get; init; } = 0.5;
    /// <summary>Highest percussive/non-percussive RMS ratio of a balanced frame.</summary>
    public double MaxRatio { get; init; } = 4;
    /// <summary>Tries before the fraction is halved.</summary>
    public int TriesBeforeRelaxing { get; init; } = 10;

    /// <summary>RMS frame length in samples.</summary>
    public const int FrameLength = 2048;
    /// <summary>RMS hop in samples.</summary>
    public const int Hop = 512;

    /// <summary>Fraction of frames whose percussive RMS is within [MinRatio, MaxRatio] × the non-percussive RMS.</summary>
    public double BalancedFraction(ReadOnlySpan<float> percussive, ReadOnlySpan<float> nonPercussive)
    {
        var p = FrameRms(percussive);
        var n = FrameRms(nonPercussive);
        return BalancedFraction(p, n, 0, Math.Min(p.Length, n.Length));
    }

    /// <summary>The same over frames [first, first + count) of precomputed <see cref="FrameRms"/> arrays.</summary>
    public double BalancedFraction(ReadOnlySpan<float> percussiveRms, ReadOnlySpan<float> nonPercussiveRms, int first, int count)
    {
        if (count <= 0) return 0;
        int balanced = 0;
        for (int f = first; f < first + count; f++)
        {
            double p = percussiveRms[f], o = nonPercussiveRms[f];
            if (p > o * MinRatio && p < o * MaxRatio) balanced++;
        }
        return (double)balanced / count;
    }

    /// <summary>Whether an excerpt passes at the given (possibly relaxed) fraction.</summary>
    public bool Passes(ReadOnlySpan<float> percussive, ReadOnlySpan<float> nonPercussive, double minFraction) =>
        BalancedFraction(percussive, nonPercussive) > minFraction;

    /// <summary>RMS of frames of <see cref="FrameLength"/> samples every <see cref="Hop"/> (frame f starts at f·hop).</summary>
    public static float[] FrameRms(ReadOnlySpan<float> x)
    {
        if (x.Length < FrameLength) return [];
        int frames = 1 + (x.Length - FrameLength) / Hop;
        var r = new float[frames];
        for (int f = 0; f < frames; f++)
        {
            double s = 0;
            foreach (var v in x.Slice(f * Hop, FrameLength)) s += (double)v * v;
            r[f] = (float)Math.Sqrt(s / FrameLength);
        }
        return r;
    }
}
