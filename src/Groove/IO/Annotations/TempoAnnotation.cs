namespace Groove.IO.Annotations;

/// <summary>
/// A reference or estimated tempo in the MIREX form: up to two tempi in BPM and the perceptual weight of the first
/// (McKinney and Moelants' "salience"), as in mir_eval and in <c>.bpm</c> files ("t1 t2 weight").
/// A single tempo is <c>(t, 0, 1)</c>; a tempo of 0 means "absent".
/// </summary>
public readonly record struct TempoAnnotation(double Tempo1, double Tempo2, double Weight)
{
    /// <summary>One tempo with all the weight.</summary>
    public static TempoAnnotation Single(double bpm) => new(bpm, 0, 1);

    /// <summary>The tempo with the larger weight (the first on a tie), as madmom's sort by strength picks it.</summary>
    public double Strongest => Tempo2 > 0 && Weight < 0.5 ? Tempo2 : Tempo1;
}
