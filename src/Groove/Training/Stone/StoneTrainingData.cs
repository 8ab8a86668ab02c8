using Groove.Nn;
using Groove.Tonality.Stone;

namespace Groove.Training.Stone;

/// <summary>
/// Tracks for STONE's self-supervised task: per track a quantised CQT; <see cref="SampleBatch"/> draws, for each batch
/// item, a track, two excerpts A and B of it cropped at one frequency offset, and A again cropped at another offset
/// (A′, a transposed copy of A).
/// </summary>
public sealed class StoneTrainingData
{
    private readonly List<(string Name, byte[] Cqt, int Frames)> _tracks = new();

    /// <summary>Number of usable tracks.</summary>
    public int Count => _tracks.Count;

    /// <summary>Total frames over all tracks.</summary>
    public long TotalFrames => _tracks.Sum(t => (long)t.Frames);

    /// <summary>Adds a track (a quantised [99, frames] CQT); tracks shorter than <paramref name="minFrames"/> are skipped (returns false).</summary>
    public bool Add(string name, byte[] cqt, int frames, int minFrames)
    {
        if (frames < minFrames) return false;
        _tracks.Add((name, cqt, frames));
        return true;
    }

    /// <summary>Adds a track from a float CQT in [0, 1] ([99, frames]).</summary>
    public bool Add(string name, ReadOnlySpan<float> cqt, int frames, int minFrames) => Add(name, StoneCqtCache.Quantise(cqt), frames, minFrames);

    /// <summary>
    /// A batch [3·B, 1, 84, frames]: rows 0…B−1 are excerpts A, B…2B−1 excerpts B, 2B…3B−1 the transposed A′.
    /// <paramref name="shifts"/>[b] = k: A′ is A transposed up by k semitones (−15 … 15).
    /// </summary>
    public Tensor SampleBatch(Rng rng, int batch, int frames, out int[] shifts)
    {
        if (_tracks.Count == 0) throw new GrooveException("no training tracks long enough for the excerpt length");
        int plane = StoneFrontEnd.CropBins * frames;
        var data = new float[3 * batch * plane];
        shifts = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            var (_, cqt, n) = _tracks[rng.NextInt(_tracks.Count)];
            int startA = rng.NextInt(n - frames + 1), startB = rng.NextInt(n - frames + 1);
            int offset = rng.NextInt(StoneFrontEnd.MaxOffset + 1);
            int offsetT = rng.NextInt(StoneFrontEnd.MaxOffset + 1);
            // Crop at a lower offset = content higher up the axis: A′ is A transposed by (offset − offsetT).
            shifts[b] = offset - offsetT;
            StoneCqtCache.Crop(cqt, n, offset, startA, frames, data.AsSpan(b * plane, plane));
            StoneCqtCache.Crop(cqt, n, offset, startB, frames, data.AsSpan((batch + b) * plane, plane));
            StoneCqtCache.Crop(cqt, n, offsetT, startA, frames, data.AsSpan((2 * batch + b) * plane, plane));
        }
        return Tensor.Wrap(data, 3 * batch, 1, StoneFrontEnd.CropBins, frames);
    }
}
