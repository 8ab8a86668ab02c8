using Groove.IO.Annotations;
using Groove.Evaluation.Datasets;
using Groove.Nn;
using Groove.IO.Datasets;

namespace Groove.Tonality.Stone;

/// <summary>
/// Tracks with a known global key for Semi-TONE / sup-TONE training (Kong et al., "STONE: Self-supervised tonality
/// estimator", ISMIR 2024): per track a quantised CQT and its key. Excerpts are cropped at a random frequency offset
/// (a random transposition) and their target class is rotated with it (<see cref="TargetIndex"/>).
/// <para>Target convention, the one <see cref="StoneModel"/> reads at inference: output index = mode·12 + class
/// (mode 0 = major, 1 = minor), where the class of the untransposed key signature at the inference crop
/// (<see cref="StoneModel.InferenceCropOffset"/>) is (signature + label offset) mod 12, the signature of a major key
/// being its tonic and that of a minor key its relative major (tonic + 3). The label offset is 0 for a model
/// trained from scratch and the calibration offset of the model training started from (<c>--init</c>), so that
/// fine-tuning keeps the classes that model already uses.</para>
/// </summary>
public sealed class StoneLabelledData
{
    private readonly List<(string Name, byte[] Cqt, int Frames, MusicalKey Key)> _tracks = new();

    /// <summary>Number of usable tracks.</summary>
    public int Count => _tracks.Count;

    /// <summary>Total frames over all tracks.</summary>
    public long TotalFrames => _tracks.Sum(t => (long)t.Frames);

    /// <summary>The keys of the tracks, in the order added.</summary>
    public IEnumerable<MusicalKey> Keys => _tracks.Select(t => t.Key);

    /// <summary>The tracks: quantised [99, frames] CQTs with their keys.</summary>
    internal IReadOnlyList<(string Name, byte[] Cqt, int Frames, MusicalKey Key)> Tracks => _tracks;

    /// <summary>Adds a track (a quantised [99, frames] CQT); tracks shorter than <paramref name="minFrames"/> are skipped (returns false).</summary>
    public bool Add(string name, byte[] cqt, int frames, MusicalKey key, int minFrames)
    {
        if (cqt.Length != (long)StoneFrontEnd.Bins * frames) throw new ArgumentException("CQT is not [99, frames].", nameof(cqt));
        if (frames < Math.Max(1, minFrames)) return false;
        _tracks.Add((name, cqt, frames, key));
        return true;
    }

    /// <summary>Adds a track from a float CQT in [0, 1] ([99, frames]).</summary>
    public bool Add(string name, ReadOnlySpan<float> cqt, int frames, MusicalKey key, int minFrames) =>
        Add(name, StoneCqtCache.Quantise(cqt), frames, key, minFrames);

    /// <summary>Key-signature class of a key: its tonic for a major key, its relative major's tonic (tonic + 3) for a minor key.</summary>
    public static int Signature(MusicalKey key) => key.Mode == KeyMode.Major ? key.Tonic : (key.Tonic + 3) % 12;

    /// <summary>
    /// Target output index of an excerpt of a track in <paramref name="key"/> cropped at <paramref name="cropOffset"/>:
    /// that crop is the inference crop transposed by (<see cref="StoneModel.InferenceCropOffset"/> − offset) semitones
    /// (<see cref="StoneFrontEnd.Crop"/>), so its signature class is rotated by as much. For a 12-output model the
    /// index is the class alone; for 24 outputs, mode·12 + class.
    /// </summary>
    public static int TargetIndex(MusicalKey key, int cropOffset, int modes, int labelOffset)
    {
        if ((uint)cropOffset > StoneFrontEnd.MaxOffset) throw new ArgumentOutOfRangeException(nameof(cropOffset));
        int cls = ((Signature(key) + StoneModel.InferenceCropOffset - cropOffset + labelOffset) % 12 + 12) % 12;
        return modes == 2 && key.Mode == KeyMode.Minor ? 12 + cls : cls;
    }

    /// <summary>
    /// A batch [B, 1, 84, frames] of excerpts, each of a random track at a random start and crop offset;
    /// <paramref name="targets"/>[b] is its <see cref="TargetIndex"/>. Tracks shorter than the excerpt are
    /// zero-padded at the end.
    /// </summary>
    public Tensor SampleBatch(Rng rng, int batch, int frames, int modes, int labelOffset, out int[] targets)
    {
        if (_tracks.Count == 0) throw new GrooveException("no labelled tracks");
        int plane = StoneFrontEnd.CropBins * frames;
        var data = new float[batch * plane];
        targets = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            var (_, cqt, n, key) = _tracks[rng.NextInt(_tracks.Count)];
            int start = rng.NextInt(Math.Max(1, n - frames + 1));
            int offset = rng.NextInt(StoneFrontEnd.MaxOffset + 1);
            targets[b] = TargetIndex(key, offset, modes, labelOffset);
            StoneCqtCache.Crop(cqt, n, offset, start, frames, data.AsSpan(b * plane, plane));
        }
        return Tensor.Wrap(data, batch, 1, StoneFrontEnd.CropBins, frames);
    }

    /// <summary>
    /// One whole track [1, 1, 84, frames] (at most <paramref name="maxFrames"/>: a random part of a longer one) at a
    /// random crop offset, with its target index.
    /// </summary>
    public Tensor SampleTrack(Rng rng, int maxFrames, int modes, int labelOffset, out int target)
    {
        if (_tracks.Count == 0) throw new GrooveException("no labelled tracks");
        var (_, cqt, n, key) = _tracks[rng.NextInt(_tracks.Count)];
        int frames = Math.Min(n, maxFrames);
        int start = rng.NextInt(n - frames + 1);
        int offset = rng.NextInt(StoneFrontEnd.MaxOffset + 1);
        target = TargetIndex(key, offset, modes, labelOffset);
        var data = new float[StoneFrontEnd.CropBins * frames];
        StoneCqtCache.Crop(cqt, n, offset, start, frames, data);
        return Tensor.Wrap(data, 1, 1, StoneFrontEnd.CropBins, frames);
    }

    /// <summary>
    /// Adds the tracks of a dataset folder (<c>DIR/audio/&lt;name&gt;.wav</c> with <c>DIR/key/&lt;name&gt;.key</c>,
    /// see <see cref="Dataset"/>) through <paramref name="cache"/>. Tracks without a key ("X"), without audio,
    /// shorter than <paramref name="minFrames"/> or unreadable are skipped (unreadable ones reported to
    /// <paramref name="onWarning"/>). Throws <see cref="GrooveException"/> for a folder with no key annotations or
    /// an unreadable key file. Returns the number of tracks added.
    /// </summary>
    public int AddFolder(string folder, StoneCqtCache cache, int minFrames, Action<string>? onWarning = null, Action<int, int>? onProgress = null,
        CancellationToken cancellationToken = default)
    {
        var set = Dataset.Open(folder);
        var labelled = set.Tracks.Where(t => t.AnnotationPath("key") != null).ToList();
        if (labelled.Count == 0) throw new GrooveException($"{folder}: no key annotations (expected {Path.Combine(folder, "key")}/<name>.key next to {Path.Combine(folder, "audio")}/<name>.wav)");
        var keyed = new List<(DatasetTrack Track, MusicalKey Key)>();
        foreach (var t in labelled)
            if (KeyAnnotations.Read(t.AnnotationPath("key")!) is { } k && t.AudioPath != null) keyed.Add((t, k));
        if (keyed.Count == 0) throw new GrooveException($"{folder}: no track has both audio and a key");
        int added = 0, done = 0;
        foreach (var (t, k) in keyed)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var cqt = cache.Get(t.AudioPath!, out int frames, w => onWarning?.Invoke($"{t.AudioPath}: {w}"), cancellationToken);
                if (Add(t.Name, cqt, frames, k, minFrames)) added++;
            }
            catch (Exception e) when (e is GrooveException or IOException or InvalidDataException)
            {
                onWarning?.Invoke(e.Message.StartsWith(t.AudioPath!, StringComparison.Ordinal) ? e.Message : $"{t.AudioPath}: {e.Message}");
            }
            onProgress?.Invoke(++done, keyed.Count);
        }
        return added;
    }
}
