namespace Groove.Rhythm;

/// <summary>
/// The two most salient tempi in MIREX's form: <paramref name="Slow"/> ≤ <paramref name="Fast"/> in BPM, and
/// <paramref name="SlowStrength"/> in [0, 1], the salience of the slower tempo relative to the faster
/// (the faster one's is 1 − that).
/// </summary>
public readonly record struct TempoPair(double Slow, double Fast, double SlowStrength)
{
    /// <summary>The more salient of the two tempi.</summary>
    public double Dominant => SlowStrength >= 0.5 ? Slow : Fast;
}
