using Groove.Nn;

namespace Groove.Rhythm.Learned;

/// <summary>
/// Small supervised beat-activation network in the spirit of Böck &amp; Schedl's bidirectional-RNN beat tracker
/// ("Enhanced beat tracking with context-aware neural networks", DAFx 2011) and Böck, Krebs &amp; Widmer's
/// BLSTM + DBN system (ISMIR 2016): two 1-D convolutions over time on the log-mel frames (ELU), a bidirectional GRU,
/// and a linear layer giving one logit per frame. Input <c>[B, T, bands]</c>, output logits <c>[B, T]</c>.
/// </summary>
internal sealed class BiGruBeatNetwork : Module
{
    private readonly Conv1d _conv1, _conv2;
    private readonly Gru _gru;
    private readonly Linear _out;

    public BiGruBeatNetwork(int bands, int channels, int hidden, int layers, Rng rng)
    {
        _conv1 = RegisterModule("conv1", new Conv1d(bands, channels, 3, rng, padding: 1));
        _conv2 = RegisterModule("conv2", new Conv1d(channels, channels, 3, rng, padding: 1));
        _gru = RegisterModule("gru", new Gru(channels, hidden, rng, numLayers: layers, bidirectional: true));
        _out = RegisterModule("out", new Linear(2 * hidden, 1, rng));
    }

    public override Tensor Forward(Tensor x)
    {
        int b = x.Dim(0), t = x.Dim(1);
        var h = x.Transpose(1, 2).Contiguous();             // [B, bands, T]
        h = Functional.Elu(_conv1.Forward(h));
        h = Functional.Elu(_conv2.Forward(h));
        h = h.Transpose(1, 2).Contiguous();                 // [B, T, C]
        h = _gru.Forward(h);                                // [B, T, 2H]
        return _out.Forward(h).Reshape(b, t);
    }
}
