using System.Buffers.Binary;

namespace Groove.Audio;

/// <summary>
/// Writes an <see cref="AudioBuffer"/> as a RIFF/WAVE stream: 16-bit PCM (x·32768 rounded and clamped to the 16-bit range, as WavReader reads it back) or 32-bit IEEE
/// float. Kept small and internal for the click track and the web app until a shared WAV writer exists.
/// </summary>
internal static class ClickTrackWav
{
    public static void Write(Stream output, AudioBuffer audio, bool float32 = false)
    {
        int channels = audio.ChannelCount, frames = audio.Length;
        int bytesPerSample = float32 ? 4 : 2;
        long dataBytes = (long)frames * channels * bytesPerSample;
        int fmtSize = float32 ? 18 : 16;
        int factSize = float32 ? 12 : 0;
        long riffSize = 4 + (8 + fmtSize) + factSize + 8 + dataBytes;
        if (riffSize > uint.MaxValue)
            throw new GrooveException($"audio of {audio.Duration:F0} s is too long for a WAV file (4 GB limit)");

        Span<byte> header = stackalloc byte[12 + 8 + 18 + 12 + 8];
        int p = 0;
        void Tag(Span<byte> h, string s) { for (int i = 0; i < 4; i++) h[p + i] = (byte)s[i]; p += 4; }
        void U32(Span<byte> h, uint v) { BinaryPrimitives.WriteUInt32LittleEndian(h[p..], v); p += 4; }
        void U16(Span<byte> h, ushort v) { BinaryPrimitives.WriteUInt16LittleEndian(h[p..], v); p += 2; }
        Tag(header, "RIFF"); U32(header, (uint)riffSize); Tag(header, "WAVE");
        Tag(header, "fmt "); U32(header, (uint)fmtSize);
        U16(header, (ushort)(float32 ? 3 : 1)); U16(header, (ushort)channels);
        U32(header, (uint)audio.SampleRate); U32(header, (uint)(audio.SampleRate * channels * bytesPerSample));
        U16(header, (ushort)(channels * bytesPerSample)); U16(header, (ushort)(bytesPerSample * 8));
        if (float32)
        {
            U16(header, 0);
            Tag(header, "fact"); U32(header, 4); U32(header, (uint)frames);
        }
        Tag(header, "data"); U32(header, (uint)dataBytes);
        output.Write(header[..p]);

        const int framesPerBlock = 4096;
        var block = new byte[framesPerBlock * channels * bytesPerSample];
        for (int start = 0; start < frames; start += framesPerBlock)
        {
            int count = Math.Min(framesPerBlock, frames - start);
            int o = 0;
            for (int i = start; i < start + count; i++)
                for (int c = 0; c < channels; c++)
                {
                    float x = audio.Channels[c][i];
                    if (float32)
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(block.AsSpan(o), x);
                        o += 4;
                    }
                    else
                    {
                        float clamped = float.IsNaN(x) ? 0 : Math.Clamp(x, -1f, 1f);
                        BinaryPrimitives.WriteInt16LittleEndian(block.AsSpan(o), (short)Math.Clamp(MathF.Round(clamped * 32768f), -32768f, 32767f));
                        o += 2;
                    }
                }
            output.Write(block, 0, o);
        }
    }
}
