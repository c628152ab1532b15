using Harness.Acceleration;
using Harness.Config;
using Harness.Models;
using Harness.Tests.Experiments;
using Harness.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Acceleration;

/// <summary>
/// Stepping one flat buffer is the same training as stepping every parameter: bit for bit, for every optimizer and
/// option the config offers; the buffer keeps each parameter aligned and its padding at zero; a broken alias is caught.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class ContiguousParametersTests
{
    public static TheoryData<string, double, double, bool> Optimizers => new()
    {
        { "sgd", 0.0, 0.0, false },
        { "sgd", 0.9, 1e-3, true },      // momentum, weight decay, Nesterov
        { "adam", 0.0, 0.0, false },
        { "adam", 0.0, 1e-2, false },
        { "adamw", 0.0, 1e-2, false },
        { "rmsprop", 0.5, 1e-3, false },
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Stepping_the_flat_buffer_is_bit_identical_to_stepping_each_parameter(string name, double momentum, double weightDecay, bool nesterov)
    {
        var options = new OptimizerConfig { Name = name, LearningRate = 1e-2, Momentum = momentum, WeightDecay = weightDecay, Nesterov = nesterov };
        // Batch norm adds 1-D parameters; 10 outputs make a head whose bias (10 elements) is not a multiple of the alignment.
        var model = new ModelConfig { Kind = "mlp", Hidden = [24, 12], BatchNorm = true };
        using var reference = ModelFactory.Build(model, [20], 10, seed: 3);
        using var flattened = ModelFactory.Build(model, [20], 10, seed: 3);
        using var contiguous = ContiguousParameters.TryCreate(flattened)!;
        Assert.NotNull(contiguous);
        using var referenceOptimizer = OptimizerFactory.Create(options, reference.parameters());
        using var flatOptimizer = OptimizerFactory.Create(options, [contiguous.Flat]);

        var generator = new Generator(11);
        for (int step = 0; step < 25; step++)
        {
            using var scope = NewDisposeScope();
            var x = randn([32, 20], generator: generator);
            var y = randint(0, 10, [32], dtype: ScalarType.Int64, generator: generator);
            foreach (var (net, optimizer) in new[] { (reference, referenceOptimizer), (flattened, flatOptimizer) })
            {
                optimizer.zero_grad();
                nn.functional.cross_entropy(net.call(x), y).backward();
                optimizer.step();
            }
        }
        contiguous.EnsureIntact();
        var expected = reference.parameters().ToList();
        var actual = flattened.parameters().ToList();
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(Same(expected[i], actual[i]),
                $"parameter {i} differs after 25 {name} steps (max |diff| {(expected[i] - actual[i]).abs().max().item<float>()})");
            using var g = actual[i].grad!;
            using var rg = expected[i].grad!;
            Assert.True(Same(rg, g), $"gradient {i} differs");
        }
    }

    static bool Same(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
    }

    [Fact]
    public void Every_parameter_starts_at_an_aligned_offset_and_the_padding_stays_zero()
    {
        using var net = ModelFactory.Build(new ModelConfig { Kind = "mlp", Hidden = [7, 5] }, [3], 3, seed: 1);
        var before = net.parameters().Select(p => p.detach().clone()).ToList();
        using var contiguous = ContiguousParameters.TryCreate(net)!;
        var parameters = net.parameters().ToList();
        long covered = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            Assert.Equal(0, parameters[i].storage_offset() * parameters[i].ElementSize % ContiguousParameters.AlignmentBytes);
            Assert.True(Same(before[i], parameters[i]), $"parameter {i} changed value when it moved into the buffer");
            covered += parameters[i].numel();
        }
        Assert.True(contiguous.Flat.numel() > covered, "7x3, 7, 5x7, 5, 3x5, 3 floats need padding to 16-float boundaries");

        using var optimizer = OptimizerFactory.Create(new OptimizerConfig { Name = "adam", LearningRate = 0.1, WeightDecay = 0.1 }, [contiguous.Flat]);
        for (int step = 0; step < 5; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            net.call(randn(8, 3)).square().sum().backward();
            optimizer.step();
        }
        // Everything in the flat buffer outside the parameters' slots is padding.
        var mask = ones(contiguous.Flat.numel(), dtype: ScalarType.Bool);
        foreach (var p in parameters) mask.narrow(0, p.storage_offset(), p.numel()).fill_(false);
        Assert.Equal(0, contiguous.Flat.detach().masked_select(mask).abs().sum().item<float>());
        Assert.Equal(0, contiguous.Gradient.masked_select(mask).abs().sum().item<float>());
    }

    [Fact]
    public void A_model_moved_after_flattening_is_caught()
    {
        using var net = ModelFactory.Build(new ModelConfig { Kind = "linear" }, [4], 2, seed: 1);
        using var contiguous = ContiguousParameters.TryCreate(net)!;
        contiguous.EnsureIntact();
        net.to(ScalarType.Float64).to(ScalarType.Float32);   // new tensors for every parameter, as a device move makes
        var error = Assert.Throws<InvalidOperationException>(contiguous.EnsureIntact);
        Assert.Contains("no longer lives in the contiguous buffer", error.Message);
    }

    [Fact]
    public void A_backward_that_replaces_the_gradient_is_caught()
    {
        using var net = ModelFactory.Build(new ModelConfig { Kind = "linear" }, [4], 2, seed: 1);
        using var contiguous = ContiguousParameters.TryCreate(net)!;
        using var scope = NewDisposeScope();
        net.call(randn(3, 4)).square().sum().backward(create_graph: true);
        var error = Assert.Throws<InvalidOperationException>(contiguous.EnsureIntact);
        Assert.Contains("create_graph", error.Message);
    }

    [Fact]
    public void Parameters_of_mixed_dtypes_stay_separate()
    {
        using var net = nn.Sequential(("a", nn.Linear(3, 4)), ("b", nn.Linear(4, 2).to(ScalarType.Float64)));
        Assert.Null(ContiguousParameters.TryCreate(net));
    }
}
