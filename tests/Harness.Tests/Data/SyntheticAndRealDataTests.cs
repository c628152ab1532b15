using System.Diagnostics;
using Harness.Data;
using Xunit;
using Xunit.Abstractions;
using static Harness.Tests.Data.DataTestSupport;

namespace Harness.Tests.Data;

public class SyntheticAndRealDataTests(ITestOutputHelper output)
{
    [Fact]
    public void Synthetic_blobs_have_the_configured_shape_classes_and_are_seeded()
    {
        var config = new DatasetConfig
        {
            Name = "synthetic-blobs", Seed = 11, Synthetic = new SyntheticDatasetConfig { Samples = 600, Features = 4, Classes = 3, Noise = 0.3 },
        };
        using var a = DatasetLoader.Load(config, ".");
        using var b = DatasetLoader.Load(config, ".");
        Assert.Equal(3, a.ClassCount);
        Assert.Equal(new long[] { 4 }, a.FeatureShape);
        Assert.Equal(600, a.Train.Count + a.Validation.Count + a.Test.Count);
        Assert.Equal(new[] { 40, 40, 40 }, ClassCounts(a.Test, 3));
        Assert.True(a.Train.Features.Equals(b.Train.Features));
        Assert.True(a.Test.Targets.Equals(b.Test.Targets));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Synthetic_regression_has_the_configured_shape_and_is_seeded(bool nonlinear)
    {
        var config = new DatasetConfig
        {
            Name = "synthetic-regression", Seed = 2, Synthetic = new SyntheticDatasetConfig { Samples = 500, Features = 6, Noise = 0.1, Nonlinear = nonlinear },
        };
        using var a = DatasetLoader.Load(config, ".");
        using var b = DatasetLoader.Load(config, ".");
        Assert.Equal(TaskKind.Regression, a.Task);
        Assert.Equal(new long[] { 6 }, a.FeatureShape);
        Assert.Equal(100, a.Test.Count);
        Assert.True(a.Train.Targets.Equals(b.Train.Targets));
        if (!nonlinear)
        {
            // Linear with small noise: least squares on the training split explains nearly all variance.
            using var x = TorchSharp.torch.cat([a.Train.Features, TorchSharp.torch.ones(a.Train.Count, 1)], 1).to(TorchSharp.torch.ScalarType.Float64);
            using var y = a.Train.Targets.to(TorchSharp.torch.ScalarType.Float64).unsqueeze(1);
            using var w = TorchSharp.torch.linalg.lstsq(x, y).Solution;
            using var residual = (x.matmul(w) - y).pow(2).mean();
            Assert.True(residual.item<double>() < 0.05, $"residual {residual.item<double>()}");
        }
        Assert.Throws<DataException>(() => DatasetLoader.Load(config with { Synthetic = config.Synthetic with { Features = 0 } }, "."));
    }

    [SkippableFact]
    public void Real_fashion_mnist_loads_when_installed()
    {
        const string root = "/usr/share/datasets/fashion-mnist";
        Skip.IfNot(Directory.Exists(root), $"Fashion-MNIST is not installed in {root} (apt-get install dataset-fashion-mnist)");
        var watch = Stopwatch.StartNew();
        using var data = DatasetLoader.Load(new DatasetConfig { Name = "fashion-mnist", ValidationFraction = 0.1 }, ".");
        watch.Stop();
        output.WriteLine($"fashion-mnist 60k+10k load: {watch.ElapsedMilliseconds} ms");
        Assert.Equal(new long[] { 54000, 1, 28, 28 }, data.Train.Features.shape);
        Assert.Equal(6000, data.Validation.Count);
        Assert.Equal(10000, data.Test.Count);
        Assert.Equal(Enumerable.Repeat(1000, 10), ClassCounts(data.Test, 10));
        Assert.Contains(data.Notes, n => n.Contains("mean 0.286") && n.Contains("std 0.353"));
        using var mean = data.Train.Features.mean();
        Assert.Equal(0, mean.item<float>(), 2);
    }
}
