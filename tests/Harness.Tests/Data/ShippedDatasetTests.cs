using Harness.Data;
using Xunit;
using static Harness.Tests.Data.DataTestSupport;

namespace Harness.Tests.Data;

public class ShippedDatasetTests
{
    [Theory]
    [InlineData("digits", 1797, 64, 10)]
    [InlineData("breast-cancer", 569, 30, 2)]
    [InlineData("diabetes", 442, 10, 0)]
    public void Shipped_sets_load_with_the_right_sizes(string name, int total, int features, int classes)
    {
        using var data = DatasetLoader.Load(new DatasetConfig { Name = name, TestFraction = 0.2, ValidationFraction = 0.1 }, ".");
        Assert.Equal(classes, data.ClassCount);
        Assert.Equal(classes == 0 ? TaskKind.Regression : TaskKind.Classification, data.Task);
        Assert.Equal(new long[] { features }, data.FeatureShape);
        Assert.Equal(total, data.Train.Count + data.Validation.Count + data.Test.Count);
        int test = (int)Math.Round(total * 0.2, MidpointRounding.AwayFromZero);
        Assert.Equal(test, data.Test.Count);
        Assert.Equal((int)Math.Round((total - test) * 0.1, MidpointRounding.AwayFromZero), data.Validation.Count);
        Assert.Equal(TorchSharp.torch.ScalarType.Float32, data.Train.Features.dtype);
        Assert.Equal(classes == 0 ? TorchSharp.torch.ScalarType.Float32 : TorchSharp.torch.ScalarType.Int64, data.Train.Targets.dtype);
        Assert.Contains("Shipped/README.md", data.Source);
    }

    [Fact]
    public void Shipped_class_counts_are_the_published_ones()
    {
        using var digits = DatasetLoader.Load(new DatasetConfig { Name = "Digits" }, ".");
        var all = ClassCounts(digits.Train, 10).Zip(ClassCounts(digits.Validation, 10), (a, b) => a + b)
            .Zip(ClassCounts(digits.Test, 10), (a, b) => a + b).ToArray();
        Assert.Equal(new[] { 178, 182, 177, 183, 181, 182, 181, 179, 174, 180 }, all);

        using var cancer = DatasetLoader.Load(new DatasetConfig { Name = "breast-cancer" }, ".");
        var counts = new[] { cancer.Train, cancer.Validation, cancer.Test }.Select(s => ClassCounts(s, 2))
            .Aggregate((a, b) => [a[0] + b[0], a[1] + b[1]]);
        Assert.Equal(new[] { 212, 357 }, counts); // 0 = malignant, 1 = benign
    }

    [Fact]
    public void Diabetes_targets_are_standardized_with_training_statistics()
    {
        using var data = DatasetLoader.Load(new DatasetConfig { Name = "diabetes" }, ".");
        var y = Floats(data.Train.Targets);
        Assert.Equal(0, y.Average(), 4);
        Assert.Equal(1, Math.Sqrt(y.Select(v => (double)v * v).Average()), 4);
        // The published target: mean about 152, std about 77 over all 442 samples.
        Assert.InRange(data.TargetMean, 140, 165);
        Assert.InRange(data.TargetStd, 70, 85);
    }
}
