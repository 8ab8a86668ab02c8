using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Groove.IO;

/// <summary>
/// An n-dimensional array read from or written to NumPy's <c>.npy</c> format (versions 1–3), held as float32
/// or float64 in C order. Integer and boolean arrays are converted to double on reading.
/// </summary>
public sealed class NpyArray
{
    public int[] Shape { get; }
    /// <summary>Values in C (row-major) order, as double.</summary>
    public double[] Data { get; }

    public NpyArray(int[] shape, double[] data)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        if (n != data.Length) throw new ArgumentException($"Shape ({string.Join(",", shape)}) does not hold {data.Length} values.");
        Shape = shape;
        Data = data;
    }

    public int Rank => Shape.Length;

    public float[] ToFloat() => Array.ConvertAll(Data, v => (float)v);
}

/// <summary>Reads and writes NumPy <c>.npy</c> files.</summary>
public static class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static NpyArray Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new GrooveException($"{path}: cannot read ({e.Message})"); }
        return Parse(bytes, path);
    }

    public static NpyArray Parse(ReadOnlySpan<byte> bytes, string name = "npy")
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic))
            throw new GrooveException($"{name}: not a .npy file");
        int major = bytes[6];
        int headerLen, offset;
        if (major == 1) { headerLen = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]); offset = 10; }
        else if (major is 2 or 3)
        {
            if (bytes.Length < 12) throw new GrooveException($"{name}: truncated .npy header");
            headerLen = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]); offset = 12;
        }
        else throw new GrooveException($"{name}: unsupported .npy version {major}");
        if (offset + headerLen > bytes.Length) throw new GrooveException($"{name}: truncated .npy header");
        string header = Encoding.UTF8.GetString(bytes.Slice(offset, headerLen));
        string descr = HeaderValue(header, "descr", name).Trim().Trim('\'', '"');
        bool fortran = HeaderValue(header, "fortran_order", name).Trim().StartsWith("True", StringComparison.Ordinal);
        int[] shape = ParseShape(HeaderValue(header, "shape", name), name);
        long count = 1;
        foreach (var d in shape) count *= d;
        var data = bytes[(offset + headerLen)..];

        bool big = descr.StartsWith('>');
        string kind = descr.TrimStart('<', '>', '|', '=');
        int size = kind.Length > 1 && int.TryParse(kind.AsSpan(1), out var s) ? s : 0;
        if (size == 0) throw new GrooveException($"{name}: unsupported .npy dtype '{descr}'");
        if (data.Length < count * size) throw new GrooveException($"{name}: .npy data is truncated ({data.Length} of {count * size} bytes)");
        var values = new double[count];
        for (long i = 0; i < count; i++)
        {
            var b = data.Slice((int)(i * size), size);
            values[i] = (kind[0], size) switch
            {
                ('f', 4) => big ? BinaryPrimitives.ReadSingleBigEndian(b) : BinaryPrimitives.ReadSingleLittleEndian(b),
                ('f', 8) => big ? BinaryPrimitives.ReadDoubleBigEndian(b) : BinaryPrimitives.ReadDoubleLittleEndian(b),
                ('i', 1) => (sbyte)b[0],
                ('u', 1) or ('b', 1) => b[0],
                ('i', 2) => big ? BinaryPrimitives.ReadInt16BigEndian(b) : BinaryPrimitives.ReadInt16LittleEndian(b),
                ('u', 2) => big ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b),
                ('i', 4) => big ? BinaryPrimitives.ReadInt32BigEndian(b) : BinaryPrimitives.ReadInt32LittleEndian(b),
                ('u', 4) => big ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b),
                ('i', 8) => big ? BinaryPrimitives.ReadInt64BigEndian(b) : BinaryPrimitives.ReadInt64LittleEndian(b),
                ('u', 8) => big ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b),
                _ => throw new GrooveException($"{name}: unsupported .npy dtype '{descr}'"),
            };
        }
        if (fortran && shape.Length > 1) values = FortranToC(values, shape);
        return new NpyArray(shape, values);
    }

    /// <summary>Writes a float32 array atomically (temp file, then rename).</summary>
    public static void Write(string path, ReadOnlySpan<float> data, params int[] shape)
    {
        var bytes = new byte[data.Length * 4];
        for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), data[i]);
        WriteRaw(path, "<f4", shape, bytes);
    }

    /// <summary>Writes a float64 array atomically.</summary>
    public static void Write(string path, ReadOnlySpan<double> data, params int[] shape)
    {
        var bytes = new byte[data.Length * 8];
        for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), data[i]);
        WriteRaw(path, "<f8", shape, bytes);
    }

    private static void WriteRaw(string path, string descr, int[] shape, byte[] payload)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        int itemSize = descr[^1] - '0';
        if (n * itemSize != payload.Length) throw new ArgumentException("Shape does not match the data length.");
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        int total = 10 + dict.Length + 1;
        int pad = (64 - total % 64) % 64;
        string header = dict + new string(' ', pad) + "\n";
        using var ms = new MemoryStream();
        ms.Write(Magic);
        ms.WriteByte(1); ms.WriteByte(0);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        ms.Write(len);
        ms.Write(Encoding.ASCII.GetBytes(header));
        ms.Write(payload);
        Groove.IO.AtomicFile.WriteAllBytes(path, ms.ToArray());
    }

    private static string HeaderValue(string header, string key, string name)
    {
        int k = header.IndexOf($"'{key}'", StringComparison.Ordinal);
        if (k < 0) k = header.IndexOf($"\"{key}\"", StringComparison.Ordinal);
        if (k < 0) throw new GrooveException($"{name}: .npy header lacks '{key}'");
        int colon = header.IndexOf(':', k);
        int start = colon + 1;
        int depth = 0, i = start;
        for (; i < header.Length; i++)
        {
            char c = header[i];
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if ((c == ',' || c == '}') && depth == 0) break;
        }
        return header[start..i];
    }

    private static int[] ParseShape(string text, string name)
    {
        var inner = text.Trim().TrimStart('(').TrimEnd(')');
        var parts = inner.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var shape = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i].TrimEnd('L'), NumberStyles.Integer, CultureInfo.InvariantCulture, out shape[i]) || shape[i] < 0)
                throw new GrooveException($"{name}: bad .npy shape '{text}'");
        return shape;
    }

    private static double[] FortranToC(double[] f, int[] shape)
    {
        var c = new double[f.Length];
        int rank = shape.Length;
        var idx = new int[rank];
        for (int ci = 0; ci < c.Length; ci++)
        {
            int fi = 0, stride = 1;
            for (int d = 0; d < rank; d++) { fi += idx[d] * stride; stride *= shape[d]; }
            c[ci] = f[fi];
            for (int d = rank - 1; d >= 0; d--) { if (++idx[d] < shape[d]) break; idx[d] = 0; }
        }
        return c;
    }
}
