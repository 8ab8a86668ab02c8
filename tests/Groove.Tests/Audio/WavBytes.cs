using System.Buffers.Binary;

namespace Groove.Tests.Audio;

/// <summary>
/// Builds WAV files byte by byte for the reader tests, independently of <c>WavWriter</c>, so that every layout the
/// reader must accept (and the broken ones it must reject) can be produced exactly.
/// </summary>
internal sealed class WavBytes
{
    public int FormatTag { get; init; } = 1;
    public int Channels { get; init; } = 1;
    public int SampleRate { get; init; } = 8000;
    public int BitsPerSample { get; init; } = 16;
    /// <summary>Bytes per sample in the frame; default: bits rounded up to bytes.</summary>
    public int? ContainerBytes { get; init; }
    public bool Extensible { get; init; }
    /// <summary>Chunks placed between fmt and data: (id, body). Odd bodies get a pad byte unless <see cref="OmitPadBytes"/>.</summary>
    public List<(string Id, byte[] Body)> ExtraChunks { get; init; } = [];
    public List<(string Id, byte[] Body)> ChunksBeforeFmt { get; init; } = [];
    public bool OmitPadBytes { get; init; }
    /// <summary>Overrides the size field of the data chunk (e.g. 0xFFFFFFFF or more than is there).</summary>
    public uint? DataSizeField { get; init; }
    public string Riff { get; init; } = "RIFF";
    /// <summary>An RF64 ds64 chunk with this data size.</summary>
    public long? Ds64DataSize { get; init; }

    public byte[] Build(byte[] data)
    {
        var ms = new MemoryStream();
        void Id(string s) => ms.Write(System.Text.Encoding.ASCII.GetBytes(s));
        void U32(uint v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); ms.Write(b); }
        void U16(int v) { Span<byte> b = stackalloc byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v); ms.Write(b); }
        void Chunk(string id, byte[] body)
        {
            Id(id); U32((uint)body.Length); ms.Write(body);
            if (body.Length % 2 == 1 && !OmitPadBytes) ms.WriteByte(0);
        }
        Id(Riff); U32(0); Id("WAVE");
        if (Ds64DataSize is { } ds)
        {
            var body = new byte[28];
            BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(8), ds);
            Chunk("ds64", body);
        }
        foreach (var (id, body) in ChunksBeforeFmt) Chunk(id, body);
        int container = ContainerBytes ?? (BitsPerSample + 7) / 8;
        Id("fmt "); U32(Extensible ? 40u : 16u);
        U16(Extensible ? 0xFFFE : FormatTag);
        U16(Channels);
        U32((uint)SampleRate);
        U32((uint)(SampleRate * Channels * container));
        U16(Channels * container);
        U16(Extensible ? container * 8 : BitsPerSample);
        if (Extensible)
        {
            U16(22); U16(BitsPerSample); U32(0);
            U16(FormatTag);
            ms.Write([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]);
        }
        foreach (var (id, body) in ExtraChunks) Chunk(id, body);
        Id("data"); U32(DataSizeField ?? (uint)data.Length); ms.Write(data);
        var bytes = ms.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), Riff == "RIFF" ? (uint)(bytes.Length - 8) : 0xFFFFFFFF);
        return bytes;
    }

    public static byte[] Int16(params short[] v)
    {
        var b = new byte[v.Length * 2];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(2 * i), v[i]);
        return b;
    }

    public static byte[] Float32(params float[] v)
    {
        var b = new byte[v.Length * 4];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), v[i]);
        return b;
    }
}
