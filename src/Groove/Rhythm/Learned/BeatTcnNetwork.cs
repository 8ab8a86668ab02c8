using Groove.Nn;

namespace Groove.Rhythm.Learned;

/// <summary>
/// Multi-task temporal convolutional network for beats, downbeats and tempo after Böck &amp; Davies, "Deconstruct,
/// analyse, reconstruct: how to improve tempo, beat, and downbeat estimation", ISMIR 2020, and Böck, Davies &amp; Knees,
/// "Multi-task learning of tempo and beat: learning one to improve the other", ISMIR 2019 (and MatthewDavies &amp; Böck,
/// "Temporal convolutional networks for musical audio beat tracking", EUSIPCO 2019):
/// a convolutional front end over the log-mel spectrogram (3×3 conv, max-pool 3 over frequency, 3×3 conv, pool 3,
/// a conv spanning the remaining bands; ELU and dropout after each) that leaves one vector per frame, then
/// <see cref="BeatNetConfig.Layers"/> residual blocks of non-causal dilated 1-D convolutions (dilation 2^i, kernel
/// <see cref="BeatNetConfig.KernelSize"/>, ELU, dropout, 1×1 conv, added to the block's input). A 1×1 conv gives the
/// beat and downbeat logits per frame; the tempo head averages the sum of the blocks' outputs (the skip connections)
/// over time and maps it to <see cref="BeatNetConfig.TempoClasses"/> logits (class k = k BPM).
/// With the <c>zerons</c> input the convolutional front end is replaced by <see cref="ZeroNsBeatFrontEnd"/> and a
/// 1×1 convolution to the block width.
/// </summary>
public sealed class BeatTcnNetwork : BeatNetwork
{
    private readonly Conv2d? _c1, _c2, _c3;
    private readonly ZeroNsBeatFrontEnd? _zerons;
    private readonly Conv1d? _project;
    private readonly Conv1d[] _dilated, _mix;
    private readonly Conv1d _frames;
    private readonly Linear _tempo;
    private readonly Dropout _drop;
    private readonly BeatNetConfig _config;

    /// <param name="config">Its size.</param>
    /// <param name="rng">Initial weights.</param>
    /// <param name="dropout">Dropout masks (register it with the training checkpoint for bit-exact resumes).</param>
    public BeatTcnNetwork(BeatNetConfig config, Rng rng, Rng dropout)
    {
        _config = config;
        int c = config.Width;
        if (config.Input == BeatNetConfig.ZeroNsInput)
        {
            _zerons = RegisterModule("front", new ZeroNsBeatFrontEnd(dropout));
            _project = RegisterModule("project", new Conv1d(_zerons.Channels, c, 1, rng));
        }
        else
        {
            int f = config.Bands - 2;                  // 3-wide conv, no padding over frequency
            f /= 3; f -= 2; f /= 3;                    // pool, conv, pool
            if (f < 1) throw new GrooveException($"{config.Bands} bands are too few for the TCN front end (at least 17)");
            _c1 = RegisterModule("conv1", new Conv2d(1, c, (3, 3), rng, padding: (1, 0)));
            _c2 = RegisterModule("conv2", new Conv2d(c, c, (3, 3), rng, padding: (1, 0)));
            _c3 = RegisterModule("conv3", new Conv2d(c, c, (1, f), rng));
        }
        _dilated = new Conv1d[config.Layers];
        _mix = new Conv1d[config.Layers];
        for (int i = 0; i < config.Layers; i++)
        {
            int d = 1 << i;
            _dilated[i] = RegisterModule($"tcn{i}_conv", new Conv1d(c, c, config.KernelSize, rng, padding: d * (config.KernelSize - 1) / 2, dilation: d));
            _mix[i] = RegisterModule($"tcn{i}_mix", new Conv1d(c, c, 1, rng));
        }
        _frames = RegisterModule("frames", new Conv1d(c, 2, 1, rng));
        _tempo = RegisterModule("tempo", new Linear(c, config.TempoClasses, rng));
        _drop = RegisterModule("drop", new Dropout(config.Dropout, dropout));
    }

    /// <inheritdoc/>
    public override BeatNetConfig Config => _config;

    /// <inheritdoc/>
    public override ZeroNsBeatFrontEnd? ZeroNsFrontEnd => _zerons;

    /// <inheritdoc/>
    public override (Tensor Frames, Tensor? Tempo) Run(Tensor features)
    {
        int b = features.Dim(0), t = features.Dim(1);
        Tensor h;
        if (_zerons is not null) h = _drop.Forward(Functional.Elu(_project!.Forward(_zerons.Forward(features))));  // [B, C, T]
        else
        {
            h = features.Reshape(b, 1, t, features.Dim(2));               // [B, 1, T, F]: time is the conv's height
            h = _drop.Forward(Functional.MaxPool2d(Functional.Elu(_c1!.Forward(h)), (1, 3)));
            h = _drop.Forward(Functional.MaxPool2d(Functional.Elu(_c2!.Forward(h)), (1, 3)));
            h = _drop.Forward(Functional.Elu(_c3!.Forward(h)));           // [B, C, T, 1]
            h = h.Reshape(b, _config.Width, t);
        }
        Tensor? skip = null;
        for (int i = 0; i < _dilated.Length; i++)
        {
            var y = _mix[i].Forward(_drop.Forward(Functional.Elu(_dilated[i].Forward(h))));
            skip = skip is null ? y : skip + y;
            h = h + y;
        }
        var frames = Functional.Elu(h);
        var logits = _frames.Forward(_drop.Forward(frames)).Transpose(1, 2).Contiguous();  // [B, T, 2]
        var pooled = Functional.Elu(skip!).Mean(2);                                       // [B, C]
        return (logits, _tempo.Forward(_drop.Forward(pooled)));
    }
}
