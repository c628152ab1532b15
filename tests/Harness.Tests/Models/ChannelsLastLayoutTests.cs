using Harness.Config;
using Harness.Models;
using Harness.Tests.Experiments;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Models;

/// <summary>
/// The CNN's channels-last first layer changes memory layout only: the same values at the same indices, and the
/// same outputs and gradients as the network without it on NCHW batches; and the convolutions after it do run
/// channels-last.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class ChannelsLastLayoutTests
{
    public static TheoryData<string> Inputs => new() { "one channel", "three channels", "one channel, not contiguous", "already channels-last" };

    static Tensor Input(string kind, Generator generator) => kind switch
    {
        "one channel" => randn([4, 1, 6, 5], generator: generator),
        "three channels" => randn([4, 3, 6, 5], generator: generator),
        "one channel, not contiguous" => randn([4, 1, 5, 6], generator: generator).transpose(2, 3),
        _ => randn([4, 6, 5, 3], generator: generator).permute(0, 3, 1, 2),
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void The_layer_keeps_every_value_at_its_index_and_lays_the_batch_out_channels_last(string kind)
    {
        using var scope = NewDisposeScope();
        using var layer = new ChannelsLastLayout();
        var images = Input(kind, new Generator(5));
        var laidOut = layer.call(images);
        Assert.Equal(images.shape, laidOut.shape);
        Assert.True(IsChannelsLast(laidOut), $"strides [{string.Join(", ", laidOut.stride())}]");
        Assert.True(images.eq(laidOut).all().item<bool>(), "values moved");
        Assert.True(images.reshape(-1).eq(laidOut.reshape(-1)).all().item<bool>(), "flattening (NCHW order) differs");
    }

    [Fact]
    public void Other_inputs_pass_through_unchanged()
    {
        using var scope = NewDisposeScope();
        using var layer = new ChannelsLastLayout();
        var rows = arange(12f).reshape(3, 4);
        var passed = layer.call(rows);
        Assert.Equal(rows.stride(), passed.stride());
        Assert.True(rows.eq(passed).all().item<bool>());
        Assert.False(IsChannelsLast(randn([2, 3, 4, 5])));
    }

    [Fact]
    public void The_cnn_computes_the_same_outputs_and_gradients_as_the_same_layers_on_nchw_batches()
    {
        using var scope = NewDisposeScope();
        var config = new ModelConfig { Kind = "cnn", Hidden = [16] };
        using var net = ModelFactory.Build(config, [1, 28, 28], 10, seed: 2);
        net.to(float64);
        var layers = ((nn.Module)net).named_children().ToList();
        Assert.Equal("layout", layers[0].name);
        Assert.Empty(layers[0].module.parameters());

        var generator = new Generator(9);
        var x = randn([6, 1, 28, 28], dtype: float64, generator: generator);
        var y = randint(0, 10, [6], dtype: ScalarType.Int64, generator: generator);

        net.zero_grad();
        var output = net.call(x);
        nn.functional.cross_entropy(output, y).backward();
        var grads = net.parameters().Select(p => p.grad!.clone()).ToList();

        // The same modules without the layout layer, on the contiguous NCHW batch.
        net.zero_grad();
        var h = x;
        bool firstConvChannelsLast = false;
        foreach (var (name, module) in layers.Skip(1))
        {
            h = ((nn.Module<Tensor, Tensor>)module).call(h);
            if (name == "conv0") Assert.False(IsChannelsLast(h), "the NCHW reference ran channels-last");
        }
        nn.functional.cross_entropy(h, y).backward();

        Assert.True(output.allclose(h, rtol: 1e-10, atol: 1e-12), $"outputs differ by {(output - h).abs().max().item<double>()}");
        var reference = net.parameters().Select(p => p.grad!).ToList();
        for (int i = 0; i < grads.Count; i++)
            Assert.True(grads[i].allclose(reference[i], rtol: 1e-9, atol: 1e-12),
                $"gradient {i} differs by {(grads[i] - reference[i]).abs().max().item<double>()}");

        // With the layer, the first convolution's output is channels-last: the fast kernels do run.
        using (no_grad())
        {
            var laidOut = ((nn.Module<Tensor, Tensor>)layers[0].module).call(x);
            firstConvChannelsLast = IsChannelsLast(((nn.Module<Tensor, Tensor>)layers[1].module).call(laidOut));
        }
        Assert.True(firstConvChannelsLast, "conv0 did not produce a channels-last output");
    }

    /// <summary>Whether <paramref name="images"/> <c>[N, C, H, W]</c> has channels-last strides.</summary>
    static bool IsChannelsLast(Tensor images)
    {
        if (images.dim() != 4) return false;
        long c = images.size(1), h = images.size(2), w = images.size(3);
        var strides = images.stride();
        return strides[1] == 1 && strides[3] == c && strides[2] == w * c && strides[0] == h * w * c;
    }
}
