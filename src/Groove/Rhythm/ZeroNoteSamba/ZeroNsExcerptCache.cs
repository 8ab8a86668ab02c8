using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Groove.Audio;
using Groove.Dsp;
using Groove.Nn;

using Groove.IO;

namespace Groove.Rhythm.ZeroNoteSamba;

/// <summary>
/// Training excerpts of audio files for the Zero-Note Samba pretext task, computed once and cached on disk: for each
/// file up to <see cref="ExcerptsPerFile"/> excerpts of <see cref="ExcerptFrames"/> frames (626 = 10 s, as the paper's
/// memory bank) chosen at random positions that pass the <see cref="DrumEnergyRule"/>, each holding the percussive and
/// the non-percussive log-VQT. One <c>.npy</c> per file, float32 <c>[k, 2, 96, frames]</c> (k may be 0: a file with no
/// usable excerpt is remembered too), written atomically and keyed by the file's full path, size, modification time
/// and the settings, so a cache build can be stopped and resumed at any point. Reads a single excerpt without loading
/// the rest of the file.
/// </summary>
public sealed class ZeroNsExcerptCache
{
    /// <summary>Frames of context computed on either side of an excerpt and dropped, so its edges see real signal.</summary>
    private const int MarginFrames = 32;
    private const int MaxTries = 40;
    /// <summary>Longest part of a file read (its beginning); excerpts are drawn from it.</summary>
    public const double MaxSeconds = 600;

    private readonly string _dir;
    private readonly string? _stemsDir;
    private readonly ZeroNsFrontEnd _frontEnd = new();
    private readonly DrumEnergyRule _rule;

    /// <summary>Frames per excerpt.</summary>
    public int ExcerptFrames { get; }
    /// <summary>Excerpts drawn per file at most.</summary>
    public int ExcerptsPerFile { get; }

    /// <param name="directory">Cache folder (created).</param>
    /// <param name="excerptFrames">Frames per excerpt (≥ 16).</param>
    /// <param name="excerptsPerFile">Excerpts per file at most (≥ 1).</param>
    /// <param name="stemsDir">Folder of user stems (<c>NAME.drums.wav</c> + <c>NAME.other.wav</c>); null = HPSS.</param>
    /// <param name="rule">Drum-energy rule (default: the paper's).</param>
    public ZeroNsExcerptCache(string directory, int excerptFrames = 626, int excerptsPerFile = 4, string? stemsDir = null, DrumEnergyRule? rule = null)
    {
        if (excerptFrames < 16) throw new ArgumentOutOfRangeException(nameof(excerptFrames));
        if (excerptsPerFile < 1) throw new ArgumentOutOfRangeException(nameof(excerptsPerFile));
        _dir = directory;
        _stemsDir = stemsDir;
        _rule = rule ?? new DrumEnergyRule();
        ExcerptFrames = excerptFrames;
        ExcerptsPerFile = excerptsPerFile;
        Directory.CreateDirectory(directory);
    }

    /// <summary>Floats in one excerpt (2 parts × 96 bins × frames).</summary>
    public int ExcerptSize => 2 * ZeroNsFrontEnd.Bins * ExcerptFrames;

    /// <summary>The cache file of <paramref name="audioPath"/> (whether or not it exists yet).</summary>
    public string PathFor(string audioPath)
    {
        var info = new FileInfo(audioPath);
        if (!info.Exists) throw new GrooveException($"{audioPath}: no such file");
        var key = $"zerons2|{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}|{ExcerptFrames}|{ExcerptsPerFile}|{_stemsDir ?? "hpss"}|{_rule}";
        return Path.Combine(_dir, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)), 0, 12).ToLowerInvariant() + ".npy");
    }

    /// <summary>
    /// Number of cached excerpts of <paramref name="audioPath"/>, computing them first when the cache lacks them.
    /// </summary>
    public int Ensure(string audioPath, Action<string>? onWarning = null, CancellationToken cancellationToken = default)
    {
        var path = PathFor(audioPath);
        if (TryCount(path, out int count)) return count;
        var excerpts = Compute(audioPath, onWarning, cancellationToken);
        var flat = new float[excerpts.Count * ExcerptSize];
        for (int i = 0; i < excerpts.Count; i++) excerpts[i].CopyTo(flat.AsSpan(i * ExcerptSize));
        NpyFile.Write(path, flat, excerpts.Count, 2, ZeroNsFrontEnd.Bins, ExcerptFrames);
        return excerpts.Count;
    }

    /// <summary>Whether the excerpts of <paramref name="audioPath"/> are cached.</summary>
    public bool IsCached(string audioPath) => TryCount(PathFor(audioPath), out _);

    /// <summary>Reads excerpt <paramref name="index"/> of a cached file into <paramref name="dst"/> ([2, 96, frames]).</summary>
    public void Read(string audioPath, int index, Span<float> dst) => ReadFile(PathFor(audioPath), index, dst);

    internal void ReadFile(string cachePath, int index, Span<float> dst)
    {
        if (dst.Length != ExcerptSize) throw new ArgumentException("destination size differs from the excerpt size");
        using var fs = new FileStream(cachePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        int header = HeaderLength(fs);
        fs.Position = header + (long)index * ExcerptSize * 4;
        var bytes = new byte[ExcerptSize * 4];
        fs.ReadExactly(bytes);
        for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i));
    }

    private bool TryCount(string path, out int count)
    {
        count = 0;
        if (!File.Exists(path)) return false;
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            int header = HeaderLength(fs);
            long payload = fs.Length - header;
            long one = (long)ExcerptSize * 4;
            if (payload < 0 || payload % one != 0) return false;
            count = (int)(payload / one);
            return true;
        }
        catch (Exception e) when (e is IOException or GrooveException) { return false; }
    }

    private static int HeaderLength(FileStream fs)
    {
        Span<byte> head = stackalloc byte[10];
        fs.Position = 0;
        if (fs.Read(head) != 10 || head[0] != 0x93 || head[6] != 1) throw new GrooveException($"{fs.Name}: not a version-1 .npy file");
        return 10 + BinaryPrimitives.ReadUInt16LittleEndian(head[8..]);
    }

    /// <summary>
    /// Chooses and computes the excerpts of one file (each [2, 96, frames]: percussive, non-percussive). The whole file
    /// (its first <see cref="MaxSeconds"/>) is separated once; the drum-energy rule is then checked at random positions
    /// on frame RMS values, and the log-VQTs are computed only for the excerpts that pass.
    /// </summary>
    internal List<float[]> Compute(string audioPath, Action<string>? onWarning, CancellationToken cancellationToken)
    {
        var opt = new AudioLoadOptions { SampleRate = ZeroNsFrontEnd.SampleRate, Mono = true, MaxDuration = TimeSpan.FromSeconds(MaxSeconds) };
        ZeroNsParts parts;
        if (_stemsDir != null)
        {
            var found = ZeroNsParts.FindStems(_stemsDir, audioPath) ?? throw new GrooveException($"{audioPath}: no stems {Path.GetFileNameWithoutExtension(audioPath)}.drums.wav + .other.wav in {_stemsDir}");
            parts = ZeroNsParts.FromStems(AudioFile.Load(found.Drums, opt, onWarning), AudioFile.Load(found.Other, opt, onWarning));
        }
        else
        {
            var mono = AudioFile.Load(audioPath, opt, onWarning).Mono();
            if (mono.Length < (ExcerptFrames + 2 * MarginFrames) * ZeroNsFrontEnd.HopLength) return [];
            parts = ZeroNsParts.FromHpss(mono, cancellationToken);
        }
        return Choose(parts, Path.GetFileName(audioPath), cancellationToken);
    }

    /// <summary>Excerpts of separated parts, at positions drawn from a generator seeded by <paramref name="name"/>.</summary>
    internal List<float[]> Choose(ZeroNsParts parts, string name, CancellationToken cancellationToken)
    {
        int length = parts.Length;
        int hop = ZeroNsFrontEnd.HopLength, margin = MarginFrames * hop;
        int span = (ExcerptFrames + 2 * MarginFrames) * hop;
        var result = new List<float[]>();
        if (length < span) return result;
        var rmsP = DrumEnergyRule.FrameRms(parts.Percussive);
        var rmsN = DrumEnergyRule.FrameRms(parts.NonPercussive);
        int ruleFrames = (ExcerptFrames * hop - DrumEnergyRule.FrameLength) / DrumEnergyRule.Hop + 1;
        // Positions come from a generator seeded by the file's name, so a rebuilt cache chooses the same excerpts.
        var rng = new Rng(BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(name))));
        int positions = (length - span) / hop + 1;
        double fraction = _rule.MinFraction;
        int tries = 0, failures = 0;
        while (result.Count < ExcerptsPerFile && tries < MaxTries * ExcerptsPerFile)
        {
            cancellationToken.ThrowIfCancellationRequested();
            tries++;
            int start = rng.NextInt(positions) * hop;
            int first = Math.Min((start + margin) / DrumEnergyRule.Hop, Math.Max(0, Math.Min(rmsP.Length, rmsN.Length) - ruleFrames));
            if (!(_rule.BalancedFraction(rmsP, rmsN, first, Math.Min(ruleFrames, rmsP.Length - first)) > fraction))
            {
                if (++failures % _rule.TriesBeforeRelaxing == 0) fraction /= 2;
                continue;
            }
            var (p, n) = _frontEnd.Features(parts.Slice(start, span), out int frames, cancellationToken);
            var excerpt = new float[ExcerptSize];
            int bins = ZeroNsFrontEnd.Bins;
            for (int b = 0; b < bins; b++)
            {
                p.AsSpan(b * frames + MarginFrames, ExcerptFrames).CopyTo(excerpt.AsSpan(b * ExcerptFrames));
                n.AsSpan(b * frames + MarginFrames, ExcerptFrames).CopyTo(excerpt.AsSpan((bins + b) * ExcerptFrames));
            }
            result.Add(excerpt);
        }
        return result;
    }
}
