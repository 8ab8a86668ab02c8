using Groove.Nn;
using Groove.Tests.Support;

namespace Groove.Tests.Nn;

public class SafeTensorsTests
{
    [Fact]
    public void RoundTripKeepsShapesValuesAndMetadata()
    {
        using var dir = new TempDir();
        var rng = new Rng(1);
        var tensors = new Dictionary<string, Tensor>
        {
            ["b.weight"] = Tensor.Randn(rng, 3, 5),
            ["a"] = Tensor.Scalar(2.5f),
            ["c.view"] = Tensor.Randn(rng, 4, 6).Transpose(0, 1), // strided view is written in row-major order
            ["empty"] = Tensor.Zeros(0, 3),
        };
        var path = dir.File("t.safetensors");
        SafeTensors.Save(path, tensors, new Dictionary<string, string> { ["note"] = "ünïcode \"quoted\"" });
        var (back, meta) = SafeTensors.Load(path);
        Assert.Equal("ünïcode \"quoted\"", meta["note"]);
        Assert.Equal(tensors.Keys.OrderBy(k => k), back.Keys.OrderBy(k => k));
        foreach (var (k, t) in tensors)
        {
            Assert.Equal(t.ShapeArray, back[k].ShapeArray);
            Assert.Equal(t.ToArray(), back[k].ToArray());
        }
        var bytes = File.ReadAllBytes(path);
        long headerLen = BitConverter.ToInt64(bytes, 0);
        Assert.Equal(0, headerLen % 8);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void ReserializingPythonWrittenFixtureIsByteIdentical()
    {
        // The fixture script writes the layout of the reference safetensors library (sorted names, metadata first,
        // compact JSON, space padding); our writer must produce the same bytes.
        var path = RepoPaths.Path("tests", "fixtures", "torch", "conv2d_groups.safetensors");
        var (t, meta) = SafeTensors.Load(path);
        Assert.Equal(File.ReadAllBytes(path), SafeTensors.Serialize(t, meta));
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 255, 255, 255, 255, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 4, 0, 0, 0, 0, 0, 0, 0, (byte)'n', (byte)'o', (byte)'p', (byte)'e' })]
    public void MalformedFilesGiveOneLineErrors(byte[] bytes)
    {
        using var dir = new TempDir();
        var path = dir.File("bad.safetensors");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<GrooveException>(() => SafeTensors.Load(path));
        Assert.StartsWith(path, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void OutOfRangeOffsetsAreRejected()
    {
        var good = SafeTensors.Serialize(new Dictionary<string, Tensor> { ["x"] = Tensor.Ones(4) });
        var truncated = good.AsSpan(0, good.Length - 4).ToArray();
        var e = Assert.Throws<GrooveException>(() => SafeTensors.Deserialize(truncated, "m.safetensors"));
        Assert.Contains("offsets", e.Message);
    }

    [Fact]
    public void WeightsFileIsRejectedAsTrainingCheckpoint()
    {
        using var dir = new TempDir();
        var model = new Linear(2, 2, new Rng(1));
        SafeTensors.Save(dir.File("w.safetensors"), model.StateDict());
        var e = Assert.Throws<GrooveException>(() =>
            TrainingCheckpoint.Load(dir.File("w.safetensors"), model, new Adam(model), new Dictionary<string, Rng>()));
        Assert.Contains("not a Groove training checkpoint", e.Message);
        Assert.Throws<GrooveException>(() => SafeTensors.Load(dir.File("missing.safetensors")));
    }

    [Fact]
    public void ModuleStateDictRoundTripsThroughSafetensors()
    {
        using var dir = new TempDir();
        var a = new Sequential(new Conv2d(2, 4, (3, 3), new Rng(1)), new BatchNorm2d(4), new Gru(4, 3, new Rng(2), bidirectional: true));
        var b = new Sequential(new Conv2d(2, 4, (3, 3), new Rng(9)), new BatchNorm2d(4), new Gru(4, 3, new Rng(8), bidirectional: true));
        a.NamedBuffers().First().Tensor.Span.Fill(0.25f);
        Assert.Contains("2.weight_hh_l0_reverse", a.StateDict().Keys);
        Assert.Contains("1.running_var", a.StateDict().Keys);
        SafeTensors.Save(dir.File("m.safetensors"), a.StateDict());
        b.LoadStateDict(SafeTensors.Load(dir.File("m.safetensors")).Tensors);
        foreach (var (n, t) in a.StateDict()) Assert.Equal(t.ToArray(), b.StateDict()[n].ToArray());
        var wrong = new Sequential(new Conv2d(2, 5, (3, 3), new Rng(1)));
        Assert.Throws<GrooveException>(() => wrong.LoadStateDict(a.StateDict()));
    }
}
