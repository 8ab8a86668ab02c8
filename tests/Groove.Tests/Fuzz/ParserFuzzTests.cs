using Groove.IO;
using System.Text;
using CsCheck;
using Groove.Audio;
using Groove.Dsp;
using Groove.IO.Annotations;
using Groove.Nn;
using Groove.Tests.Audio;
using Groove.Tests.Support;

namespace Groove.Tests.Fuzz;

/// <summary>Random and mutated inputs to every file parser: a clean one-line refusal or a result, never a crash, a hang
/// or an unbounded allocation (see <see cref="Fuzzing"/>).</summary>
public class ParserFuzzTests
{
    private static void DecodeWav(byte[] bytes)
    {
        using var wav = WavStream.Open(new MemoryStream(bytes), "fuzz.wav");
        if (!wav.Format.IsNativelyDecoded) return; // ADPCM, A-law...: AudioFile hands these to ffmpeg, never to Read
        var block = new float[4096];
        long total = 0;
        int n;
        while ((n = wav.Read(block)) > 0)
        {
            total += n;
            Assert.True(total <= bytes.Length * 8L, "decoded more samples than the bytes could hold");
        }
    }

    private static byte[] ValidWav(int formatTag = 1, int bits = 16, int channels = 2, bool extensible = false)
    {
        var x = Signals.Sine(440, 8000, 64);
        var samples = bits == 32 && formatTag == 3 ? WavBytes.Float32(x) : new byte[x.Length * channels * bits / 8];
        return new WavBytes { FormatTag = formatTag, BitsPerSample = bits, Channels = channels, Extensible = extensible,
            ExtraChunks = [("LIST", Encoding.ASCII.GetBytes("INFOtest"))] }.Build(samples);
    }

    [Fact]
    public void Wav_random_bytes() => Fuzzing.Check(Fuzzing.RandomBytes().Select(b => Random(b, "RIFF")), DecodeWav);

    [Fact]
    public void Wav_mutated_pcm_float_and_extensible() =>
        Fuzzing.Check(Gen.OneOf(
            Fuzzing.Mutations(ValidWav()),
            Fuzzing.Mutations(ValidWav(formatTag: 3, bits: 32, channels: 1)),
            Fuzzing.Mutations(ValidWav(bits: 24, extensible: true))), DecodeWav);

    [Fact]
    public void Npy_random_and_mutated()
    {
        var valid = NpyBytes([2, 3], Enumerable.Range(0, 6).Select(i => (float)i).ToArray());
        Fuzzing.Check(Gen.OneOf(Fuzzing.RandomBytes().Select(b => Random(b, "\x93NUMPY\x01\x00")), Fuzzing.Mutations(valid)),
            bytes => NpyFile.Parse(bytes, "fuzz.npy").ToFloat());
    }

    [Fact]
    public void Npy_header_claiming_2_to_the_40_elements_is_refused_not_allocated()
    {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776,), }";
        var bytes = NpyHeader(header);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<GrooveException>(() => NpyFile.Parse(bytes, "huge.npy").ToFloat());
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < Fuzzing.AllocationLimitBytes);
    }

    [Fact]
    public void Safetensors_random_and_mutated()
    {
        var valid = SafeTensors.Serialize(new Dictionary<string, Tensor>
        {
            ["w"] = Tensor.From(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3),
            ["b"] = Tensor.From(new float[] { 1, 2 }, 2),
        }, new Dictionary<string, string> { ["format"] = "pt" });
        Fuzzing.Check(Gen.OneOf(Fuzzing.RandomBytes(), Fuzzing.Mutations(valid), HeaderMutations()), bytes => SafeTensors.Deserialize(bytes, "fuzz.safetensors"));
    }

    [Fact]
    public void Safetensors_header_claiming_2_to_the_40_elements_is_refused_not_allocated()
    {
        var json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1048576,1048576],\"data_offsets\":[0,4398046511104]}}";
        var bytes = SafetensorsWithHeader(json, 16);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<GrooveException>(() => SafeTensors.Deserialize(bytes, "huge.safetensors"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < Fuzzing.AllocationLimitBytes);
    }

    /// <summary>Well-formed JSON headers with hostile values: shapes, offsets and dtypes that do not fit the data.</summary>
    private static Gen<byte[]> HeaderMutations() =>
        Gen.Select(Gen.OneOf<string>("F32", "F16", "BF16", "I64", "U8", "F64", "XYZ", ""),
            Gen.OneOf<string>("[2,3]", "[]", "[0]", "[-1]", "[1099511627776]", "[65536,65536,65536]", "[1.5]", "\"x\"", "[3,2]"),
            Gen.OneOf<string>("[0,24]", "[0,0]", "[24,0]", "[0,4398046511104]", "[-4,20]", "[0]", "[0,24,48]", "null"),
            (dtype, shape, offsets) => SafetensorsWithHeader($"{{\"w\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":{offsets}}}}}", 24));

    private static readonly string[] AnnotationTokens =
        ["0.5", "1", "-3", "1e309", "NaN", "inf", "1.2.3", "C", "major", "minor", "F#", "Bb:min", "X", "\t", " ", "\n", "\r\n",
         "#", "{", "}", "[", "]", "\"", ":", ",", "\"annotations\"", "\"namespace\"", "\"beat\"", "\"data\"", "\"time\"", "\"value\"",
         "\"duration\"", "\"confidence\"", "\"key_mode\"", "\"tempo\"", "null", "true", "999999999999", "\u00e9", "\0"];

    private static Gen<string> AnnotationText() =>
        Gen.Int[0, AnnotationTokens.Length - 1].Array[0, 60].Select(ix => string.Concat(ix.Select(i => AnnotationTokens[i])));

    [Fact]
    public void Annotation_files_random_text()
    {
        using var dir = new TempDir();
        var beats = dir.File("a.beats");
        var key = dir.File("a.key");
        var bpm = dir.File("a.bpm");
        var jams = dir.File("a.jams");
        var hains = dir.File("a.txt");
        Fuzzing.Check(AnnotationText(), text =>
        {
            File.WriteAllText(beats, text);
            File.WriteAllText(key, text);
            File.WriteAllText(bpm, text);
            File.WriteAllText(jams, text);
            File.WriteAllText(hains, text);
            Try(() => BeatAnnotations.Read(beats));
            Try(() => KeyAnnotations.Read(key));
            Try(() => TempoAnnotations.Read(bpm));
            Try(() => JamsAnnotations.ReadBeats(jams));
            Try(() => JamsAnnotations.ReadKey(jams));
            Try(() => JamsAnnotations.ReadTempo(jams));
            Try(() => HainsworthDataFile.Read(hains));
        }, iterations: 200);
    }

    /// <summary>Runs every reader even when an earlier one refused the input.</summary>
    private static void Try(Action read)
    {
        try { read(); }
        catch (GrooveException e) { Assert.DoesNotContain('\n', e.Message); }
    }

    private static byte[] Random(byte[] tail, string head) => [.. Encoding.Latin1.GetBytes(head), .. tail];

    private static byte[] NpyHeader(string header)
    {
        var h = header.PadRight(118) + "\n";
        return [.. Encoding.Latin1.GetBytes("\x93NUMPY\x01\x00"), (byte)h.Length, 0, .. Encoding.ASCII.GetBytes(h), .. new byte[16]];
    }

    private static byte[] NpyBytes(int[] shape, float[] data)
    {
        var header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({string.Join(", ", shape)}{(shape.Length == 1 ? "," : "")}), }}";
        var h = header.PadRight(118) + "\n";
        var bytes = new byte[data.Length * 4];
        Buffer.BlockCopy(data, 0, bytes, 0, bytes.Length);
        return [.. Encoding.Latin1.GetBytes("\x93NUMPY\x01\x00"), (byte)h.Length, 0, .. Encoding.ASCII.GetBytes(h), .. bytes];
    }

    private static byte[] SafetensorsWithHeader(string json, int dataBytes)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var length = BitConverter.GetBytes((ulong)header.Length);
        return [.. length, .. header, .. new byte[dataBytes]];
    }
}
