namespace Groove.Evaluation.FewShot;

/// <summary>A labelled track with precomputed model features <c>[Frames × bands]</c> and its frame targets.</summary>
public sealed record FewShotTrack(string Name, float[] Features, int Frames, double[] Beats, float[] Targets);
