using Groove.Nn;

namespace Groove.Rhythm.Learned;

/// <summary>
/// Supervised bidirectional-GRU beat and downbeat network in the manner of Böck, Krebs &amp; Widmer, "Joint beat and
/// downbeat tracking with recurrent neural networks", ISMIR 2016 (there with LSTMs): the log-mel frames and their
/// positive first difference, <see cref="BeatNetConfig.Layers"/> bidirectional GRU layers of
/// <see cref="BeatNetConfig.Width"/> units, and a linear layer to beat and downbeat logits. No tempo head: the
/// tempo comes from the decoded beats. With the <c>zerons</c> input the GRU reads <see cref="ZeroNsBeatFrontEnd"/>'s
/// output per frame instead of the mel frames and their difference.
/// </summary>
public sealed class BeatGruNetwork : BeatNetwork
{
    private readonly Gru _gru;
    private readonly ZeroNsBeatFrontEnd? _zerons;
    private readonly Linear _out;
    private readonly Dropout _drop;
    private readonly BeatNetConfig _config;

    /// <param name="config">Its size.</param>
    /// <param name="rng">Initial weights.</param>
    /// <param name="dropout">Dropout masks.</param>
    public BeatGruNetwork(BeatNetConfig config, Rng rng, Rng dropout)
    {
        _config = config;
        if (config.Input == BeatNetConfig.ZeroNsInput) _zerons = RegisterModule("front", new ZeroNsBeatFrontEnd(dropout));
        int inputs = _zerons?.Channels ?? 2 * config.Bands;
        _gru = RegisterModule("gru", new Gru(inputs, config.Width, rng, numLayers: config.Layers, bidirectional: true));
        _out = RegisterModule("out", new Linear(2 * config.Width, 2, rng));
        _drop = RegisterModule("drop", new Dropout(config.Dropout, dropout));
    }

    /// <inheritdoc/>
    public override BeatNetConfig Config => _config;

    /// <inheritdoc/>
    public override ZeroNsBeatFrontEnd? ZeroNsFrontEnd => _zerons;

    /// <inheritdoc/>
    public override (Tensor Frames, Tensor? Tempo) Run(Tensor features)
    {
        if (_zerons is not null) return (_out.Forward(_drop.Forward(_gru.Forward(_zerons.Forward(features).Transpose(1, 2).Contiguous()))), null);
        int t = features.Dim(1);
        // Positive first difference over time (the first frame's difference is 0).
        var previous = features.Pad([0, 1, 0], [0, 0, 0], PadMode.Replicate).Narrow(1, 0, t);
        var diff = Functional.Relu(features - previous);
        var x = Tensor.Concat([features, diff], 2);
        return (_out.Forward(_drop.Forward(_gru.Forward(x))), null);
    }
}
