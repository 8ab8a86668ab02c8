using System.Buffers.Binary;

namespace Groove.Audio;

/// <summary>RIFF/WAVE decoder (minimal: PCM 16-bit and IEEE float 32).</summary>
public static class WavReader
{
    public static AudioBuffer Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 12 || bytes[0] != 'R' || bytes[1] != 'I' || bytes[2] != 'F' || bytes[3] != 'F'
            || bytes[8] != 'W' || bytes[9] != 'A' || bytes[10] != 'V' || bytes[11] != 'E')
            throw new GrooveException($"{path}: not a WAV file");
        int pos = 12, channels = 0, rate = 0, bits = 0, format = 0;
        while (pos + 8 <= bytes.Length)
        {
            string id = System.Text.Encoding.ASCII.GetString(bytes, pos, 4);
            int size = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(pos + 4));
            int body = pos + 8;
            if (id == "fmt ")
            {
                format = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(body));
                channels = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(body + 2));
                rate = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(body + 4));
                bits = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(body + 14));
            }
            else if (id == "data")
            {
                int len = Math.Min(size, bytes.Length - body);
                int bps = bits / 8;
                int frames = len / (bps * channels);
                var ch = new float[channels][];
                for (int c = 0; c < channels; c++) ch[c] = new float[frames];
                for (int i = 0; i < frames; i++)
                    for (int c = 0; c < channels; c++)
                    {
                        int o = body + (i * channels + c) * bps;
                        ch[c][i] = (format, bits) switch
                        {
                            (1, 16) => BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(o)) / 32768f,
                            (3, 32) => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(o)),
                            _ => throw new GrooveException($"{path}: unsupported WAV encoding (format {format}, {bits} bit)"),
                        };
                    }
                return new AudioBuffer(ch, rate);
            }
            pos = body + size + (size & 1);
        }
        throw new GrooveException($"{path}: WAV file has no data chunk");
    }
}
