using Groove.Nn;

namespace Groove.Rhythm.Learned;

/// <summary>A supervised multi-task beat network: features <c>[B, T, bands]</c> → beat and downbeat logits per frame, and tempo logits.</summary>
public abstract class BeatNetwork : Module
{
    /// <summary>Its size.</summary>
    public abstract BeatNetConfig Config { get; }

    /// <summary>The Zero-Note Samba front end (null with the mel input).</summary>
    public abstract ZeroNsBeatFrontEnd? ZeroNsFrontEnd { get; }

    /// <summary>Frame logits <c>[B, T, 2]</c> (beat, downbeat) and tempo logits <c>[B, classes]</c> (null: no tempo head).</summary>
    public abstract (Tensor Frames, Tensor? Tempo) Run(Tensor features);

    /// <summary>A network of <paramref name="config"/>'s kind with fresh weights.</summary>
    public static BeatNetwork Create(BeatNetConfig config, Rng rng, Rng dropout) => config.Kind switch
    {
        "tcn" => new BeatTcnNetwork(config, rng, dropout),
        "gru" => new BeatGruNetwork(config, rng, dropout),
        _ => throw new GrooveException($"unknown beat network '{config.Kind}' (choose tcn or gru)"),
    };
}
