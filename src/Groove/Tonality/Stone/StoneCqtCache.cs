using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Groove.Audio;
using Groove.IO;

namespace Groove.Tonality.Stone;

/// <summary>
/// STONE front-end CQTs of audio files, computed once and cached on disk as 8-bit quantised [99, frames] arrays
/// (0.31 dB steps over the 80 dB range), keyed by the file's full path, size, modification time and the excerpt
/// limit. A track longer than the limit keeps its middle part.
/// </summary>
public sealed class StoneCqtCache
{
    private static ReadOnlySpan<byte> Magic => "GSCQ1\n"u8;
    private readonly string _dir;
    private readonly double _maxSeconds;

    public StoneCqtCache(string directory, double maxSecondsPerTrack)
    {
        if (maxSecondsPerTrack <= 0) throw new ArgumentOutOfRangeException(nameof(maxSecondsPerTrack));
        _dir = directory;
        _maxSeconds = maxSecondsPerTrack;
        Directory.CreateDirectory(directory);
    }

    /// <summary>The quantised CQT of <paramref name="audioPath"/> (bin-major, [99, frames]), from the cache or computed.</summary>
    public byte[] Get(string audioPath, out int frames, Action<string>? onWarning = null, CancellationToken cancellationToken = default)
    {
        var info = new FileInfo(audioPath);
        if (!info.Exists) throw new GrooveException($"{audioPath}: no such file");
        var key = $"{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}|{_maxSeconds}";
        var name = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)), 0, 12).ToLowerInvariant() + ".cqt";
        var path = Path.Combine(_dir, name);
        if (File.Exists(path) && TryRead(path, out var cached, out frames)) return cached;

        var audio = AudioFile.Load(audioPath, new AudioLoadOptions { SampleRate = StoneFrontEnd.SampleRate, Mono = true, MaxDuration = TimeSpan.FromHours(3) }, onWarning);
        var mono = audio.Mono();
        int keep = (int)Math.Min(mono.Length, _maxSeconds * StoneFrontEnd.SampleRate);
        int start = (mono.Length - keep) / 2;
        var cqt = StoneFrontEnd.Compute(mono.AsSpan(start, keep), out frames, cancellationToken);
        var q = Quantise(cqt);
        var bytes = new byte[Magic.Length + 4 + q.Length];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(Magic.Length), frames);
        q.CopyTo(bytes.AsSpan(Magic.Length + 4));
        AtomicFile.WriteAllBytes(path, bytes);
        return q;
    }

    private static bool TryRead(string path, out byte[] data, out int frames)
    {
        var all = File.ReadAllBytes(path);
        data = Array.Empty<byte>(); frames = 0;
        if (all.Length < Magic.Length + 4 || !all.AsSpan(0, Magic.Length).SequenceEqual(Magic)) return false;
        frames = BinaryPrimitives.ReadInt32LittleEndian(all.AsSpan(Magic.Length));
        if (frames < 0 || all.Length != Magic.Length + 4 + (long)frames * StoneFrontEnd.Bins) return false;
        data = all[(Magic.Length + 4)..];
        return true;
    }

    /// <summary>[0, 1] → 0 … 255.</summary>
    internal static byte[] Quantise(ReadOnlySpan<float> x)
    {
        var q = new byte[x.Length];
        for (int i = 0; i < x.Length; i++) q[i] = (byte)Math.Clamp((int)MathF.Round(x[i] * 255f), 0, 255);
        return q;
    }

    /// <summary>Crop of a quantised CQT as in <see cref="StoneFrontEnd.Crop"/>, dequantised to [0, 1].</summary>
    internal static void Crop(ReadOnlySpan<byte> cqt, int frames, int offset, int startFrame, int length, Span<float> dst)
    {
        int copy = Math.Clamp(frames - startFrame, 0, length);
        for (int b = 0; b < StoneFrontEnd.CropBins; b++)
        {
            var row = dst.Slice(b * length, length);
            var src = cqt.Slice((offset + b) * frames + startFrame, copy);
            for (int i = 0; i < copy; i++) row[i] = src[i] * (1f / 255f);
            row[copy..].Clear();
        }
    }
}
