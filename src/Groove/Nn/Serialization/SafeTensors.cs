using System.Buffers.Binary;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Groove.IO;

namespace Groove.Nn;

/// <summary>
/// Reads and writes the safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
/// header length, a JSON header mapping each name to {dtype, shape, data_offsets} plus an optional
/// "__metadata__" string map, padded with spaces to a multiple of 8 bytes, then the raw little-endian tensor data.
/// Writing follows the reference library's layout: tensors sorted by name, "__metadata__" first, compact JSON.
/// Reading accepts F32, F64, F16, BF16, I64, I32, I16, I8, U8 and BOOL, converting to float32.
/// </summary>
public static class SafeTensors
{
    /// <summary>Writes <paramref name="tensors"/> (float32) to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        AtomicFile.WriteAllBytes(path, Serialize(tensors, metadata));

    public static byte[] Serialize(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var names = tensors.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (names.Contains("__metadata__")) throw new ArgumentException("'__metadata__' cannot be a tensor name.");
        using var headerStream = new MemoryStream();
        using (var w = new Utf8JsonWriter(headerStream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (metadata != null)
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var n in names)
            {
                var t = tensors[n];
                w.WriteStartObject(n);
                w.WriteString("dtype", "F32");
                w.WriteStartArray("shape");
                foreach (var d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + 4L * t.Size);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += 4L * t.Size;
            }
            w.WriteEndObject();
        }
        var header = headerStream.ToArray();
        int padded = (header.Length + 7) / 8 * 8;
        long dataBytes = names.Sum(n => 4L * tensors[n].Size);
        var result = new byte[8 + padded + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)padded);
        header.CopyTo(result, 8);
        result.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        long pos = 8 + padded;
        foreach (var n in names)
        {
            var data = tensors[n].Contiguous().RawSpan;
            var dst = result.AsSpan((int)pos, data.Length * 4);
            if (BitConverter.IsLittleEndian) System.Runtime.InteropServices.MemoryMarshal.AsBytes(data).CopyTo(dst);
            else for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(dst.Slice(4 * i), data[i]);
            pos += 4L * data.Length;
        }
        return result;
    }

    /// <summary>Reads every tensor and the metadata. Malformed files raise a one-line <see cref="GrooveException"/>.</summary>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Load(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (FileNotFoundException) { throw new GrooveException($"{path}: file not found"); }
        catch (DirectoryNotFoundException) { throw new GrooveException($"{path}: file not found"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new GrooveException($"{path}: cannot read ({e.Message})"); }
        return Deserialize(bytes, path);
    }

    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Deserialize(ReadOnlySpan<byte> bytes, string name = "safetensors data")
    {
        if (bytes.Length < 8) throw new GrooveException($"{name}: not a safetensors file (too short)");
        ulong hlen = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (hlen > (ulong)(bytes.Length - 8) || hlen > 100_000_000) throw new GrooveException($"{name}: not a safetensors file (bad header length)");
        var dataStart = 8 + (int)hlen;
        var data = bytes.Slice(dataStart);
        var tensors = new Dictionary<string, Tensor>();
        var meta = new Dictionary<string, string>();
        if (!System.Text.Unicode.Utf8.IsValid(bytes.Slice(8, (int)hlen)))
            throw new GrooveException($"{name}: not a safetensors file (header is not UTF-8 text)");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(bytes.Slice(8, (int)hlen).ToArray()); }
        catch (JsonException) { throw new GrooveException($"{name}: not a safetensors file (header is not JSON)"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new GrooveException($"{name}: safetensors header is not an object");
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw new GrooveException($"{name}: __metadata__ is not a string map");
                    foreach (var m in prop.Value.EnumerateObject())
                        meta[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : throw new GrooveException($"{name}: __metadata__ value {m.Name} is not a string");
                    continue;
                }
                try
                {
                    var dtype = prop.Value.GetProperty("dtype").GetString() ?? "";
                    var shape = prop.Value.GetProperty("shape").EnumerateArray().Select(e => checked((int)e.GetInt64())).ToArray();
                    var offs = prop.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                    if (offs.Length != 2 || offs[0] < 0 || offs[1] < offs[0] || offs[1] > data.Length)
                        throw new GrooveException($"{name}: tensor {prop.Name} has data offsets outside the file");
                    int size = ShapeUtil.Numel(shape);
                    int elem = ElementSize(dtype) ?? throw new GrooveException($"{name}: tensor {prop.Name} has unsupported dtype {dtype}");
                    if ((long)size * elem != offs[1] - offs[0])
                        throw new GrooveException($"{name}: tensor {prop.Name} has {offs[1] - offs[0]} bytes for shape {ShapeUtil.Str(shape)} of {dtype}");
                    tensors[prop.Name] = Tensor.Wrap(Convert(data.Slice((int)offs[0], (int)(offs[1] - offs[0])), dtype, size), shape);
                }
                catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
                {
                    throw new GrooveException($"{name}: malformed safetensors entry {prop.Name}");
                }
            }
        }
        return (tensors, meta);
    }

    private static int? ElementSize(string dtype) => dtype switch
    {
        "F32" or "I32" => 4,
        "F64" or "I64" => 8,
        "F16" or "BF16" or "I16" => 2,
        "I8" or "U8" or "BOOL" => 1,
        _ => null,
    };

    private static float[] Convert(ReadOnlySpan<byte> src, string dtype, int n)
    {
        var o = new float[n];
        for (int i = 0; i < n; i++)
            o[i] = dtype switch
            {
                "F32" => BinaryPrimitives.ReadSingleLittleEndian(src.Slice(4 * i)),
                "F64" => (float)BinaryPrimitives.ReadDoubleLittleEndian(src.Slice(8 * i)),
                "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(src.Slice(2 * i)),
                "BF16" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(src.Slice(2 * i)) << 16),
                "I64" => BinaryPrimitives.ReadInt64LittleEndian(src.Slice(8 * i)),
                "I32" => BinaryPrimitives.ReadInt32LittleEndian(src.Slice(4 * i)),
                "I16" => BinaryPrimitives.ReadInt16LittleEndian(src.Slice(2 * i)),
                "I8" => (sbyte)src[i],
                _ => src[i],
            };
        return o;
    }
}
