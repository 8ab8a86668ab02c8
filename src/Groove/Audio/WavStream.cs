using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Groove.Audio;

/// <summary>
/// A streaming RIFF/WAVE (and RF64/BW64) decoder over any <see cref="Stream"/>, seekable or not (a pipe from
/// <c>oggdec</c> works): parses the header chunks, then hands out interleaved float frames block by block, so a
/// file of any length is read with bounded memory.
/// </summary>
/// <remarks>
/// Tolerates what real files contain: unknown chunks anywhere before <c>data</c>, odd-sized chunks with or without
/// their pad byte, WAVE_FORMAT_EXTENSIBLE, any channel count, a data size of 0xFFFFFFFF (streaming writers: read to
/// the end), and a data chunk that is larger than the file (truncated: read what is there and warn).
/// </remarks>
internal sealed class WavStream : IDisposable
{
    private const uint UnknownSize = 0xFFFFFFFF;
    private const int MaxFmtSize = 1 << 16;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly string _name;
    private readonly Action<string>? _onWarning;
    private readonly byte[] _pending = new byte[16];
    private int _pendingCount;
    private long _bytesLeft;          // of the data chunk; long.MaxValue when reading to the end
    private readonly bool _sizeKnown; // whether running out early means the file is truncated
    private bool _warnedTruncated;

    /// <summary>The format from the <c>fmt </c> chunk.</summary>
    public WavFormat Format { get; }

    /// <summary>Frames the data chunk holds, as far as the header and file length tell; null when unknown (a pipe).</summary>
    public long? DeclaredFrames { get; }

    private WavStream(Stream stream, string name, Action<string>? onWarning, bool leaveOpen)
    {
        _stream = stream;
        _name = name;
        _onWarning = onWarning;
        _leaveOpen = leaveOpen;
        (Format, _bytesLeft, _sizeKnown, DeclaredFrames) = ParseHeader();
    }

    /// <summary>Parses the header of <paramref name="stream"/>; the stream is then positioned at the first sample.</summary>
    /// <param name="stream">The WAV bytes, from the start of the file.</param>
    /// <param name="name">The file name used in messages.</param>
    /// <param name="onWarning">Receives one-line warnings (a truncated data chunk...).</param>
    /// <param name="leaveOpen">Whether disposing leaves <paramref name="stream"/> open.</param>
    /// <exception cref="GrooveException">Not a WAV file, a truncated or malformed header, no data chunk.</exception>
    public static WavStream Open(Stream stream, string name, Action<string>? onWarning = null, bool leaveOpen = false)
    {
        try
        {
            return new WavStream(stream, name, onWarning, leaveOpen);
        }
        catch
        {
            if (!leaveOpen) stream.Dispose();
            throw;
        }
    }

    /// <summary>Whether <paramref name="head"/> (the first bytes of a file) starts a RIFF/RF64/BW64 container.</summary>
    public static bool LooksLikeWav(ReadOnlySpan<byte> head) =>
        head.Length >= 4 && (head[..4].SequenceEqual("RIFF"u8) || head[..4].SequenceEqual("RF64"u8) || head[..4].SequenceEqual("BW64"u8));

    /// <summary>
    /// Reads up to <c>destination.Length / Channels</c> frames, interleaved, into <paramref name="destination"/>.
    /// Returns the number of frames read; 0 at the end of the data.
    /// </summary>
    public int Read(Span<float> destination)
    {
        if (!Format.IsNativelyDecoded)
            throw new InvalidOperationException("WAV encoding is not decoded natively");
        int block = Format.BlockAlign;
        int channels = Format.Channels;
        int wanted = destination.Length / channels;
        if (wanted == 0 || _bytesLeft <= 0) return 0;
        long maxFrames = _bytesLeft / block;
        if (maxFrames == 0)
        {
            ReportShortData();
            _bytesLeft = 0;
            return 0;
        }
        int frames = (int)Math.Min(wanted, Math.Min(maxFrames, Math.Max(1, (1 << 16) / block)));
        byte[] raw = ArrayPool<byte>.Shared.Rent(frames * block);
        try
        {
            int got = ReadFull(raw.AsSpan(0, frames * block));
            int gotFrames = got / block;
            if (got < frames * block)
            {
                ReportShortData();
                _bytesLeft = 0;
            }
            else
            {
                _bytesLeft -= got;
            }
            Convert(raw.AsSpan(0, gotFrames * block), destination[..(gotFrames * channels)], Format);
            return gotFrames;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    public void Dispose()
    {
        if (!_leaveOpen) _stream.Dispose();
    }

    private void ReportShortData()
    {
        if (_sizeKnown && !_warnedTruncated)
        {
            _warnedTruncated = true;
            _onWarning?.Invoke($"{_name}: the WAV data chunk ends before the size its header gives (truncated file?); read what is there");
        }
    }

    private (WavFormat, long bytesLeft, bool sizeKnown, long? declaredFrames) ParseHeader()
    {
        Span<byte> head = stackalloc byte[12];
        int n = ReadFull(head);
        if (n == 0) throw new GrooveException($"{_name}: empty file (0 bytes)");
        if (n < 4 || !LooksLikeWav(head)) throw new GrooveException($"{_name}: not a WAV file");
        if (n < 12) throw new GrooveException($"{_name}: truncated WAV header ({n} bytes)");
        if (!head[8..12].SequenceEqual("WAVE"u8))
            throw new GrooveException($"{_name}: a RIFF file, but not WAVE audio (form type '{Ascii(head[8..12])}')");
        bool rf64 = !head[..4].SequenceEqual("RIFF"u8);

        WavFormat? format = null;
        long ds64DataSize = -1;
        bool afterOddChunk = false;
        Span<byte> chunk = stackalloc byte[8];
        while (true)
        {
            if (!ReadChunkHeader(chunk, afterOddChunk))
            {
                if (format is null) throw new GrooveException($"{_name}: truncated WAV header (no complete fmt chunk)");
                throw new GrooveException($"{_name}: WAV file has no data chunk (truncated header?)");
            }
            var id = chunk[..4];
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            afterOddChunk = (size & 1) == 1;
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16 || size > MaxFmtSize) throw new GrooveException($"{_name}: malformed WAV fmt chunk ({size} bytes)");
                var body = new byte[size];
                if (ReadFull(body) < size) throw new GrooveException($"{_name}: truncated WAV header (fmt chunk cut short)");
                format = ParseFmt(body);
            }
            else if (id.SequenceEqual("ds64"u8))
            {
                var body = new byte[Math.Min(size, 1024u)];
                if (ReadFull(body) < body.Length) throw new GrooveException($"{_name}: truncated WAV header (ds64 chunk cut short)");
                if (body.Length >= 16) ds64DataSize = BinaryPrimitives.ReadInt64LittleEndian(body.AsSpan(8));
                if (!Skip(size - body.Length)) throw new GrooveException($"{_name}: truncated WAV header (ds64 chunk cut short)");
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (format is null) throw new GrooveException($"{_name}: malformed WAV (data chunk before the fmt chunk)");
                return SizeData(format, size, rf64, ds64DataSize);
            }
            else
            {
                if (!Skip(size))
                {
                    if (format is null) throw new GrooveException($"{_name}: truncated WAV header (no complete fmt chunk)");
                    throw new GrooveException($"{_name}: WAV file has no data chunk (truncated header?)");
                }
            }
        }
    }

    private (WavFormat, long, bool, long?) SizeData(WavFormat format, uint size, bool rf64, long ds64DataSize)
    {
        long? remaining = _stream.CanSeek ? _stream.Length - _stream.Position + _pendingCount : null;
        long declared = size;
        bool known = true;
        if (size == UnknownSize)
        {
            if (rf64 && ds64DataSize >= 0) declared = ds64DataSize;
            else known = false;
        }
        else if (size == 0 && remaining > 0 && !NextLooksLikeChunk())
        {
            // Some streaming writers leave the size at 0 and never come back to fill it in.
            _onWarning?.Invoke($"{_name}: the WAV data chunk's size is 0 but audio follows; reading to the end of the file");
            known = false;
        }

        long bytes;
        if (!known) bytes = remaining ?? long.MaxValue;
        else if (remaining is { } r && declared > r)
        {
            _onWarning?.Invoke($"{_name}: the WAV data chunk claims {declared} bytes but the file holds {r} (truncated file?); read what is there");
            _warnedTruncated = true;
            bytes = r;
        }
        else bytes = declared;

        long? frames = bytes == long.MaxValue ? null : bytes / format.BlockAlign;
        return (format, bytes, known, frames);
    }

    private WavFormat ParseFmt(ReadOnlySpan<byte> b)
    {
        int tag = BinaryPrimitives.ReadUInt16LittleEndian(b);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(b[2..]);
        long rate = BinaryPrimitives.ReadUInt32LittleEndian(b[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(b[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(b[14..]);
        bool extensible = false;
        if (tag == WavFormat.TagExtensible)
        {
            if (b.Length < 40) throw new GrooveException($"{_name}: malformed WAV fmt chunk (WAVE_FORMAT_EXTENSIBLE without its extension)");
            extensible = true;
            int validBits = BinaryPrimitives.ReadUInt16LittleEndian(b[18..]);
            // The sub-format GUID is {tag}-0000-0010-8000-00aa00389b71: its first two bytes are the real tag.
            tag = BinaryPrimitives.ReadUInt16LittleEndian(b[24..]);
            if (validBits > 0 && validBits <= bits) bits = validBits;
        }
        if (channels == 0) throw new GrooveException($"{_name}: malformed WAV fmt chunk (0 channels)");
        if (rate == 0 || rate > int.MaxValue) throw new GrooveException($"{_name}: malformed WAV fmt chunk (sample rate {rate})");
        var encoding = tag switch
        {
            WavFormat.TagPcm => WavSampleEncoding.Pcm,
            WavFormat.TagFloat => WavSampleEncoding.Float,
            _ => WavSampleEncoding.Other,
        };
        int bytesPerSample;
        if (encoding == WavSampleEncoding.Other)
        {
            bytesPerSample = Math.Max(1, blockAlign / channels);
        }
        else
        {
            if (bits == 0) throw new GrooveException($"{_name}: malformed WAV fmt chunk (0 bits per sample)");
            int natural = (bits + 7) / 8;
            // Trust blockAlign when it is a whole container per channel at least as wide as the bits (e.g. 24 bits in
            // 32-bit containers); otherwise it is a writer's mistake and the bit depth decides.
            bytesPerSample = blockAlign % channels == 0 && blockAlign / channels >= natural ? blockAlign / channels : natural;
            if (encoding == WavSampleEncoding.Float && bytesPerSample is not (4 or 8))
                throw new GrooveException($"{_name}: unsupported WAV encoding (IEEE float {bits}-bit)");
            if (encoding == WavSampleEncoding.Pcm && bytesPerSample > 4)
                throw new GrooveException($"{_name}: unsupported WAV encoding (PCM {bits}-bit)");
        }
        return new WavFormat(encoding, tag, channels, (int)rate, bits, bytesPerSample, extensible);
    }

    /// <summary>Reads an 8-byte chunk header, coping with writers that leave out the pad byte after odd chunks.</summary>
    private bool ReadChunkHeader(Span<byte> header, bool afterOddChunk)
    {
        if (!afterOddChunk) return ReadFull(header) == 8;
        Span<byte> nine = stackalloc byte[9];
        int n = ReadFull(nine);
        if (n == 9 && !IsChunkId(nine[1..5]) && IsChunkId(nine[..4]))
        {
            nine[..8].CopyTo(header);   // no pad byte: the id starts right after the chunk
            PushBack(nine[8..9]);
            return true;
        }
        if (n < 9) return false;
        nine[1..].CopyTo(header);
        return true;
    }

    private bool NextLooksLikeChunk()
    {
        Span<byte> peek = stackalloc byte[8];
        int n = ReadFull(peek);
        PushBack(peek[..n]);
        return n == 8 && IsChunkId(peek[..4]);
    }

    private static bool IsChunkId(ReadOnlySpan<byte> id)
    {
        foreach (byte c in id)
            if (c < 0x20 || c > 0x7E) return false;
        return true;
    }

    private void PushBack(ReadOnlySpan<byte> bytes)
    {
        // Only ever called with nothing pending, so order is simple.
        bytes.CopyTo(_pending.AsSpan(_pendingCount));
        _pendingCount += bytes.Length;
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read.</summary>
    private int ReadFull(Span<byte> buffer)
    {
        int total = 0;
        if (_pendingCount > 0)
        {
            int k = Math.Min(_pendingCount, buffer.Length);
            _pending.AsSpan(0, k).CopyTo(buffer);
            _pending.AsSpan(k, _pendingCount - k).CopyTo(_pending);
            _pendingCount -= k;
            total = k;
        }
        while (total < buffer.Length)
        {
            int r = _stream.Read(buffer[total..]);
            if (r == 0) break;
            total += r;
        }
        return total;
    }

    /// <summary>Skips <paramref name="count"/> bytes; false when the stream ends first.</summary>
    private bool Skip(long count)
    {
        int fromPending = (int)Math.Min(count, _pendingCount);
        if (fromPending > 0)
        {
            _pending.AsSpan(fromPending, _pendingCount - fromPending).CopyTo(_pending);
            _pendingCount -= fromPending;
            count -= fromPending;
        }
        if (count == 0) return true;
        if (_stream.CanSeek)
        {
            if (_stream.Length - _stream.Position < count) return false;
            _stream.Seek(count, SeekOrigin.Current);
            return true;
        }
        byte[] scratch = ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            while (count > 0)
            {
                int r = _stream.Read(scratch, 0, (int)Math.Min(count, scratch.Length));
                if (r == 0) return false;
                count -= r;
            }
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static string Ascii(ReadOnlySpan<byte> b)
    {
        Span<char> c = stackalloc char[b.Length];
        for (int i = 0; i < b.Length; i++) c[i] = b[i] is >= 0x20 and <= 0x7E ? (char)b[i] : '?';
        return new string(c);
    }

    /// <summary>Converts little-endian samples to floats in [-1, 1) (integers) or as stored (floats).</summary>
    internal static void Convert(ReadOnlySpan<byte> src, Span<float> dst, WavFormat format)
    {
        int n = dst.Length;
        switch (format.Encoding, format.BytesPerSample)
        {
            case (WavSampleEncoding.Pcm, 1):
                for (int i = 0; i < n; i++) dst[i] = (src[i] - 128) * (1f / 128);
                break;
            case (WavSampleEncoding.Pcm, 2):
                for (int i = 0; i < n; i++) dst[i] = BinaryPrimitives.ReadInt16LittleEndian(src[(2 * i)..]) * (1f / 32768);
                break;
            case (WavSampleEncoding.Pcm, 3):
                for (int i = 0, o = 0; i < n; i++, o += 3)
                    dst[i] = (src[o] | (src[o + 1] << 8) | ((sbyte)src[o + 2] << 16)) * (1f / 8388608);
                break;
            case (WavSampleEncoding.Pcm, 4):
                for (int i = 0; i < n; i++) dst[i] = BinaryPrimitives.ReadInt32LittleEndian(src[(4 * i)..]) * (1f / 2147483648f);
                break;
            case (WavSampleEncoding.Float, 4):
                if (BitConverter.IsLittleEndian) MemoryMarshal.Cast<byte, float>(src[..(4 * n)]).CopyTo(dst);
                else for (int i = 0; i < n; i++) dst[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]);
                break;
            case (WavSampleEncoding.Float, 8):
                for (int i = 0; i < n; i++) dst[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(src[(8 * i)..]);
                break;
            default:
                throw new InvalidOperationException($"unsupported WAV encoding {format.Describe()}");
        }
    }
}
