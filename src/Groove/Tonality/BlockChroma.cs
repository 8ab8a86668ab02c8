using Groove.Dsp;

namespace Groove.Tonality;

/// <summary>
/// The key chroma of a recording that arrives block by block: the tuned CQT is computed in overlapping segments
/// (<see cref="FrameSegmenter"/>, so every frame equals the whole signal's) and folded to 12 classes per segment
/// (the fold works frame by frame); only the 12 values per frame (about 43 frames per second) are kept.
/// </summary>
internal sealed class BlockChroma
{
    private const int BlockSeconds = 60;
    private readonly ConstantQTransform _transform;
    private readonly Func<ConstantQSpectrogram, Chromagram> _fold;
    private readonly FrameSegmenter _segmenter;
    private readonly List<float>[] _rows = new List<float>[12];

    /// <param name="transform">The tuned CQT.</param>
    /// <param name="fold">Folds a CQT to 12 chroma classes, frame by frame.</param>
    public BlockChroma(ConstantQTransform transform, Func<ConstantQSpectrogram, Chromagram> fold)
    {
        _transform = transform;
        _fold = fold;
        int hop = transform.Options.HopLength;
        _segmenter = new FrameSegmenter(hop, hop, transform.SegmentMargin, BlockSeconds * transform.Options.SampleRate,
            length => transform.FrameCount((int)Math.Min(int.MaxValue, length)), Segment);
        for (int c = 0; c < 12; c++) _rows[c] = [];
    }

    /// <summary>Takes the next block of the mono signal.</summary>
    public void Add(ReadOnlySpan<float> block) => _segmenter.Add(block);

    /// <summary>Ends the signal; the chromagram of the whole recording.</summary>
    public Chromagram Finish()
    {
        _segmenter.Finish();
        int frames = _rows[0].Count;
        var data = new float[12 * frames];
        for (int c = 0; c < 12; c++) _rows[c].CopyTo(data, c * frames);
        return new Chromagram(data, 12, frames, (double)_transform.Options.SampleRate / _transform.Options.HopLength);
    }

    private void Segment(ReadOnlySpan<float> segment, int segmentFirstFrame, int keepFrom, int keepTo, bool isLast)
    {
        var chroma = _fold(_transform.Compute(segment));
        keepTo = Math.Min(keepTo, segmentFirstFrame + chroma.FrameCount);
        for (int c = 0; c < 12; c++)
            for (int j = keepFrom; j < keepTo; j++) _rows[c].Add(chroma[c, j - segmentFirstFrame]);
    }
}
