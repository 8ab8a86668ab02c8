namespace Groove.Dsp;

/// <summary>Computes the frames of one segment: <paramref name="segment"/> starts at frame
/// <paramref name="segmentFirstFrame"/> of the whole signal; keep its frames <paramref name="keepFrom"/> (inclusive) to
/// <paramref name="keepTo"/> (exclusive), counted over the whole signal.</summary>
/// <param name="segment">The samples of the segment (context included).</param>
/// <param name="segmentFirstFrame">Index, in the whole signal, of the frame centred on the segment's first sample.</param>
/// <param name="keepFrom">First frame to keep (whole-signal index).</param>
/// <param name="keepTo">One past the last frame to keep (whole-signal index).</param>
/// <param name="isLast">True for the segment that ends where the signal ends.</param>
internal delegate void SegmentFrames(ReadOnlySpan<float> segment, int segmentFirstFrame, int keepFrom, int keepTo, bool isLast);

/// <summary>
/// Feeds a signal that arrives block by block to a transform of centred frames (frame i centred on sample i·hop, as
/// <see cref="Stft"/> with <c>center</c> and <see cref="ConstantQTransform"/> compute them) in overlapping segments, so
/// that a long recording is transformed in bounded memory. Each segment carries <c>margin</c> samples of real signal
/// on both sides of the frames kept from it, so a frame whose window (and any filter before it) lies within the
/// margin comes out exactly as in the whole-signal transform; the first segment starts at sample 0 and the last one
/// ends at the signal's end, so the padding at both ends is the whole transform's too.
/// </summary>
internal sealed class FrameSegmenter
{
    private readonly int _hop, _margin, _blockFrames;
    private readonly SegmentFrames _process;
    private readonly Func<long, int> _frameCount;
    private float[] _buffer;
    private long _bufferStart;   // signal index of _buffer[0]
    private int _count;          // valid samples in _buffer
    private int _nextFrame;      // first frame not yet produced

    /// <param name="hop">Frame step in samples.</param>
    /// <param name="align">Segment starts are multiples of this (a multiple of <paramref name="hop"/>; e.g. the
    /// decimation factor of a multirate transform, so its decimated samples fall where the whole transform's do).</param>
    /// <param name="marginSamples">Context on each side (rounded up to a multiple of <paramref name="align"/>).</param>
    /// <param name="blockSamples">New signal per segment (rounded up to a multiple of <paramref name="align"/>).</param>
    /// <param name="frameCount">The transform's frame count for a signal of a given length.</param>
    /// <param name="process">Computes and keeps the frames of one segment.</param>
    public FrameSegmenter(int hop, int align, int marginSamples, int blockSamples, Func<long, int> frameCount, SegmentFrames process)
    {
        if (hop <= 0 || align <= 0 || align % hop != 0) throw new ArgumentException("align must be a positive multiple of hop");
        _hop = hop;
        _margin = RoundUp(Math.Max(0, marginSamples), align);
        _blockFrames = RoundUp(Math.Max(align, blockSamples), align) / hop;
        _frameCount = frameCount;
        _process = process;
        _buffer = new float[_blockFrames * hop + 2 * _margin + 4096];
    }

    /// <summary>Samples taken so far.</summary>
    public long Length => _bufferStart + _count;

    /// <summary>Appends the next samples, transforming every segment that is now complete.</summary>
    public void Add(ReadOnlySpan<float> samples)
    {
        while (samples.Length > 0)
        {
            long segStart = Math.Max(0, (long)_nextFrame * _hop - _margin);
            long segEnd = (long)(_nextFrame + _blockFrames) * _hop + _margin;
            int room = (int)Math.Min(samples.Length, segEnd - Length);
            if (room <= 0) { Emit(segStart, segEnd, isLast: false); continue; }
            Reserve(room);
            samples[..room].CopyTo(_buffer.AsSpan(_count));
            _count += room;
            samples = samples[room..];
            if (Length >= segEnd) Emit(segStart, segEnd, isLast: false);
        }
    }

    /// <summary>Ends the signal: transforms what is left (the segment that reaches the end).</summary>
    public void Finish()
    {
        int total = _frameCount(Length);
        if (_nextFrame >= total) return;
        long segStart = Math.Max(0, (long)_nextFrame * _hop - _margin);
        var segment = _buffer.AsSpan((int)(segStart - _bufferStart), (int)(Length - segStart));
        _process(segment, (int)(segStart / _hop), _nextFrame, total, true);
        _nextFrame = total;
    }

    private void Emit(long segStart, long segEnd, bool isLast)
    {
        var segment = _buffer.AsSpan((int)(segStart - _bufferStart), (int)(segEnd - segStart));
        _process(segment, (int)(segStart / _hop), _nextFrame, _nextFrame + _blockFrames, isLast);
        _nextFrame += _blockFrames;
        // Drop what no later segment needs.
        long keepFrom = Math.Max(0, (long)_nextFrame * _hop - _margin);
        int drop = (int)(keepFrom - _bufferStart);
        if (drop > 0)
        {
            Array.Copy(_buffer, drop, _buffer, 0, _count - drop);
            _count -= drop;
            _bufferStart += drop;
        }
    }

    private void Reserve(int more)
    {
        if (_count + more <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _count + more));
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
