namespace Groove.Evaluation.Beats;

/// <summary>The four continuity accuracies: correct (CML) and any (AML) metrical level, continuous (c) and total (t).</summary>
public readonly record struct ContinuityScores(double Cmlc, double Cmlt, double Amlc, double Amlt);
