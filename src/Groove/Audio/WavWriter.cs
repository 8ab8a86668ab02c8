using System.Buffers;
using System.Buffers.Binary;
using Groove.IO;

namespace Groove.Audio;

/// <summary>
/// Writes WAV files atomically (a reader never sees a half-written file): 16-bit PCM or 32-bit float, any channel
/// count (WAVE_FORMAT_EXTENSIBLE above two channels, as the format's specification asks).
/// </summary>
public static class WavWriter
{
    /// <summary>Writes <paramref name="audio"/> to <paramref name="path"/>, replacing any existing file.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="audio">The samples, nominally in [-1, 1].</param>
    /// <param name="format">The sample encoding.</param>
    /// <param name="onWarning">Told how many samples were clipped (PCM) or were not finite (written as 0).</param>
    public static void Write(string path, AudioBuffer audio, WavSampleFormat format = WavSampleFormat.Pcm16, Action<string>? onWarning = null)
    {
        ArgumentNullException.ThrowIfNull(audio);
        var (clipped, nonFinite) = (0L, 0L);
        AtomicFile.Write(path, stream => (clipped, nonFinite) = WriteCore(stream, audio, format, path));
        if (clipped > 0) onWarning?.Invoke($"{path}: clipped {clipped} sample(s) outside [-1, 1] to full scale");
        if (nonFinite > 0) onWarning?.Invoke($"{path}: wrote {nonFinite} NaN or infinite sample(s) as 0");
    }

    /// <summary>Writes <paramref name="audio"/> as a complete WAV file to <paramref name="stream"/> (e.g. an HTTP response).</summary>
    /// <param name="stream">Where the bytes go; left open.</param>
    /// <param name="audio">The samples, nominally in [-1, 1].</param>
    /// <param name="format">The sample encoding.</param>
    /// <param name="onWarning">Told how many samples were clipped (PCM) or were not finite (written as 0).</param>
    public static void Write(Stream stream, AudioBuffer audio, WavSampleFormat format = WavSampleFormat.Pcm16, Action<string>? onWarning = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(audio);
        var (clipped, nonFinite) = WriteCore(stream, audio, format, "WAV output");
        if (clipped > 0) onWarning?.Invoke($"clipped {clipped} sample(s) outside [-1, 1] to full scale");
        if (nonFinite > 0) onWarning?.Invoke($"wrote {nonFinite} NaN or infinite sample(s) as 0");
    }

    private static (long Clipped, long NonFinite) WriteCore(Stream stream, AudioBuffer audio, WavSampleFormat format, string name)
    {
        int channels = audio.ChannelCount;
        if (channels > ushort.MaxValue) throw new ArgumentException($"WAV holds at most {ushort.MaxValue} channels", nameof(audio));
        int bytesPerSample = format == WavSampleFormat.Pcm16 ? 2 : 4;
        int blockAlign = channels * bytesPerSample;
        long dataBytes = (long)audio.Length * blockAlign;
        bool extensible = channels > 2;
        int fmtSize = extensible ? 40 : format == WavSampleFormat.Pcm16 ? 16 : 18;
        long riffSize = 4 + (8 + fmtSize) + (8 + dataBytes + (dataBytes & 1));
        if (riffSize > uint.MaxValue) throw new GrooveException($"{name}: too much audio for one WAV file ({dataBytes} bytes of samples; the format's limit is 4 GiB)");

        long clipped = 0, nonFinite = 0;
        {
            Span<byte> header = stackalloc byte[12 + 8 + 40 + 8];
            int h = 0;
            void Id(ReadOnlySpan<byte> id, Span<byte> dst) { id.CopyTo(dst[h..]); h += 4; }
            void U32(uint v, Span<byte> dst) { BinaryPrimitives.WriteUInt32LittleEndian(dst[h..], v); h += 4; }
            void U16(int v, Span<byte> dst) { BinaryPrimitives.WriteUInt16LittleEndian(dst[h..], (ushort)v); h += 2; }
            int tag = format == WavSampleFormat.Pcm16 ? 1 : 3;
            Id("RIFF"u8, header); U32((uint)riffSize, header); Id("WAVE"u8, header);
            Id("fmt "u8, header); U32((uint)fmtSize, header);
            U16(extensible ? 0xFFFE : tag, header);
            U16(channels, header);
            U32((uint)audio.SampleRate, header);
            U32((uint)(audio.SampleRate * (long)blockAlign), header);
            U16(blockAlign, header);
            U16(bytesPerSample * 8, header);
            if (extensible)
            {
                U16(22, header);                       // cbSize
                U16(bytesPerSample * 8, header);       // valid bits
                U32(channels <= 18 ? (uint)((1L << channels) - 1) : 0, header); // speaker positions in standard order
                U16(tag, header);                      // sub-format GUID {tag}-0000-0010-8000-00AA00389B71
                ReadOnlySpan<byte> guidTail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
                guidTail.CopyTo(header[h..]); h += guidTail.Length;
            }
            else if (fmtSize == 18) U16(0, header);    // cbSize for non-PCM
            Id("data"u8, header); U32((uint)dataBytes, header);
            stream.Write(header[..h]);

            int framesPerBlock = Math.Max(1, (1 << 16) / blockAlign);
            byte[] buffer = ArrayPool<byte>.Shared.Rent(framesPerBlock * blockAlign);
            try
            {
                for (int start = 0; start < audio.Length; start += framesPerBlock)
                {
                    int frames = Math.Min(framesPerBlock, audio.Length - start);
                    var dst = buffer.AsSpan(0, frames * blockAlign);
                    for (int c = 0; c < channels; c++)
                    {
                        var src = audio.Channels[c].AsSpan(start, frames);
                        for (int i = 0; i < frames; i++)
                        {
                            float x = src[i];
                            if (!float.IsFinite(x)) { nonFinite++; x = 0; }
                            int o = i * blockAlign + c * bytesPerSample;
                            if (format == WavSampleFormat.Float32)
                            {
                                BinaryPrimitives.WriteSingleLittleEndian(dst[o..], x);
                                continue;
                            }
                            float scaled = MathF.Round(x * 32768f, MidpointRounding.ToEven);
                            if (scaled > 32767f) { scaled = 32767f; if (x > 1f) clipped++; }
                            else if (scaled < -32768f) { scaled = -32768f; if (x < -1f) clipped++; }
                            BinaryPrimitives.WriteInt16LittleEndian(dst[o..], (short)scaled);
                        }
                    }
                    stream.Write(dst);
                }
                if ((dataBytes & 1) == 1) stream.WriteByte(0);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        return (clipped, nonFinite);
    }
}
