using System.Text;
using Harness.Config;
using Harness.Models;
using Harness.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Training;

/// <summary>The checkpoint's tensor writer gives TorchSharp's own bytes, and a model's state loads back exactly.</summary>
public class TensorBytesTests
{
    public static TheoryData<string> Tensors() =>
        ["f32 [3,4]", "f64 [200]", "i64 [2,0,5]", "u8 [128,7]", "bool [5]", "f32 scalar", "f32 [2,3,4,5]", "f32 [300,20000]"];

    static Tensor Make(string name, Generator g) => name switch
    {
        "f32 [3,4]" => randn([3, 4], generator: g),
        "f64 [200]" => randn([200], dtype: ScalarType.Float64, generator: g),
        "i64 [2,0,5]" => zeros([2, 0, 5], dtype: ScalarType.Int64),
        "u8 [128,7]" => randint(0, 256, [128, 7], dtype: ScalarType.Byte, generator: g),
        "bool [5]" => rand([5], generator: g).gt(0.5),
        "f32 scalar" => tensor(3.25f),
        "f32 [2,3,4,5]" => randn([2, 3, 4, 5], generator: g),
        // Sizes that need two and three LEB128 bytes.
        _ => randn([300, 20000], generator: g),
    };

    [Theory]
    [MemberData(nameof(Tensors))]
    public void Bytes_equal_torchsharps_save(string name)
    {
        using var scope = NewDisposeScope();
        var t = Make(name, new Generator(5));
        Assert.Equal(Saved(w => t.Save(w)), Saved(w => TensorBytes.Write(w, t)));
    }

    [Fact]
    public void A_non_contiguous_tensor_is_left_to_torchsharp()
    {
        using var scope = NewDisposeScope();
        var t = randn(4, 6).t();
        Assert.False(t.is_contiguous());
        var ours = Record.Exception(() => Saved(w => TensorBytes.Write(w, t)));
        var theirs = Record.Exception(() => Saved(w => t.Save(w)));
        Assert.Equal(theirs?.GetType(), ours?.GetType());
    }

    [Fact]
    public void A_model_state_loads_back_exactly_into_another_model()
    {
        using var scope = NewDisposeScope();
        var config = new ModelConfig { Kind = "mlp", Hidden = [16, 8], BatchNorm = true };
        var source = ModelFactory.Build(config, [12], 3, seed: 1);
        source.train();
        source.call(randn(32, 12));   // batch norm's running statistics move off their initial values
        var target = ModelFactory.Build(config, [12], 3, seed: 2);
        var bytes = ModelStateBytes.Save(source);
        ModelStateBytes.Load(target, bytes);
        Assert.Equal(WeightSnapshot.Hash(source), WeightSnapshot.Hash(target));
        foreach (var (key, value) in source.state_dict())
            Assert.True(value.bytes.SequenceEqual(target.state_dict()[key].bytes), key);
    }

    static byte[] Saved(Action<BinaryWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true)) write(writer);
        return stream.ToArray();
    }
}
