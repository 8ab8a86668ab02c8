using System.Runtime.InteropServices;
using Groove.Audio;
using Groove.Dsp;

namespace Groove.Rhythm;

/// <summary>
/// The onset envelope of <see cref="ClassicalBeatTracker"/> computed from a signal that arrives block by block: the
/// mono signal is resampled as it streams in (the same resampler as the whole-signal path, so the same samples), the
/// SuperFlux frames are computed in overlapping segments (<see cref="FrameSegmenter"/>), and only the per-frame values
/// are kept in memory (the envelope and its sub-bands, a few floats per frame at 100 frames per second). The log
/// spectrogram that the downbeat estimate reads at the beats goes to a temporary file, deleted on dispose.
/// </summary>
internal sealed class BlockOnsetEnvelope : IDisposable
{
    private const int BlockSeconds = 30;
    private readonly SuperFluxOnsetStrength _onsets;
    private readonly Resampler? _resampler;
    private readonly FrameSegmenter _segmenter;
    private readonly List<float> _values = [];
    private readonly List<float>[] _subBands;
    private readonly string _spectrumPath;
    private readonly FileStream _spectrum;
    private float[] _resampled = [];
    private int _frames;

    /// <param name="onsets">The tracker's onset strength front end.</param>
    /// <param name="inputRate">Sample rate of the blocks given to <see cref="Add"/>.</param>
    public BlockOnsetEnvelope(SuperFluxOnsetStrength onsets, int inputRate)
    {
        _onsets = onsets;
        var o = onsets.Options;
        if (inputRate != o.SampleRate) _resampler = new Resampler(inputRate, o.SampleRate);
        _segmenter = new FrameSegmenter(o.HopLength, o.HopLength, onsets.SegmentMargin, BlockSeconds * o.SampleRate, onsets.FrameCount, Segment);
        _subBands = new List<float>[o.SubBandEdges.Count + 1];
        for (int s = 0; s < _subBands.Length; s++) _subBands[s] = [];
        _spectrumPath = Path.Combine(Path.GetTempPath(), $"groove-spectrum-{Guid.NewGuid():N}.f32");
        _spectrum = new FileStream(_spectrumPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
    }

    /// <summary>Takes the next block of the (DC-free) mono signal.</summary>
    public void Add(ReadOnlySpan<float> mono)
    {
        if (_resampler is null) { _segmenter.Add(mono); return; }
        int max = _resampler.MaxOutputLength(mono.Length);
        if (_resampled.Length < max) _resampled = new float[max];
        int n = _resampler.Process(mono, _resampled);
        _segmenter.Add(_resampled.AsSpan(0, n));
    }

    /// <summary>Ends the signal; the envelope (with an empty <see cref="OnsetEnvelope.LogSpectrogram"/>) and a reader
    /// of its log spectrogram rows, valid until dispose.</summary>
    public (OnsetEnvelope Envelope, SpectrumRows Spectrum) Finish()
    {
        if (_resampler is not null) _segmenter.Add(_resampler.Flush());
        _segmenter.Finish();
        _spectrum.Flush();
        var envelope = new OnsetEnvelope([.. _values], _subBands.Select(s => s.ToArray()).ToArray(), _onsets.FramesPerSecond, [], _centres ?? []);
        int bands = envelope.Bands;
        var handle = _spectrum.SafeFileHandle;
        return (envelope, (from, to, destination) =>
        {
            var bytes = MemoryMarshal.AsBytes(destination[..((to - from) * bands)]);
            long offset = (long)from * bands * sizeof(float);
            while (bytes.Length > 0)
            {
                int n = RandomAccess.Read(handle, bytes, offset);
                if (n <= 0) throw new IOException("the temporary spectrogram file ended early");
                bytes = bytes[n..];
                offset += n;
            }
        });
    }

    private double[]? _centres;

    private void Segment(ReadOnlySpan<float> segment, int segmentFirstFrame, int keepFrom, int keepTo, bool isLast)
    {
        var e = _onsets.Compute(segment, _onsets.Options.SampleRate);
        _centres ??= e.BandFrequencies;
        int bands = e.Bands;
        keepTo = Math.Min(keepTo, segmentFirstFrame + e.Frames);
        if (keepTo <= keepFrom) return;
        int a = keepFrom - segmentFirstFrame, n = keepTo - keepFrom;
        if (keepFrom != _frames) throw new InvalidOperationException("segments out of order");
        for (int t = a; t < a + n; t++) _values.Add(e.Values[t]);
        for (int s = 0; s < _subBands.Length; s++)
            for (int t = a; t < a + n; t++) _subBands[s].Add(e.SubBands[s][t]);
        _spectrum.Write(MemoryMarshal.AsBytes(e.LogSpectrogram.AsSpan(a * bands, n * bands)));
        _frames += n;
    }

    public void Dispose() => _spectrum.Dispose();
}
