using Harness.Data;
using Xunit;
using static Harness.Tests.Data.DataTestSupport;

namespace Harness.Tests.Data;

public class SplitTests
{
    [Fact]
    public void Splits_are_disjoint_cover_the_data_and_have_the_configured_sizes()
    {
        using var dir = new TempFolder();
        var path = dir.Write("ids.csv", IdCsv(100, 60, 40));
        using var data = DatasetLoader.Load(Csv(path) with { TestFraction = 0.25, ValidationFraction = 0.2 }, dir.Path);
        var train = Ids(data.Train);
        var validation = Ids(data.Validation);
        var test = Ids(data.Test);
        Assert.Equal(50, test.Length);
        Assert.Equal(30, validation.Length);
        Assert.Equal(120, train.Length);
        var all = train.Concat(validation).Concat(test).ToArray();
        Assert.Equal(all.Length, all.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 200), all.Order());
    }

    [Fact]
    public void Test_and_validation_splits_are_stratified()
    {
        using var dir = new TempFolder();
        var path = dir.Write("ids.csv", IdCsv(100, 60, 40));
        using var data = DatasetLoader.Load(Csv(path) with { TestFraction = 0.25, ValidationFraction = 0.2 }, dir.Path);
        Assert.Equal(new[] { 25, 15, 10 }, ClassCounts(data.Test, 3));
        Assert.Equal(new[] { 15, 9, 6 }, ClassCounts(data.Validation, 3));
        Assert.Equal(new[] { 60, 36, 24 }, ClassCounts(data.Train, 3));
    }

    [Fact]
    public void Same_seed_gives_identical_tensors_and_another_seed_does_not()
    {
        var config = new DatasetConfig { Name = "digits", Seed = 7, Corruption = new CorruptionConfig { LabelNoise = 0.2 } };
        using var a = DatasetLoader.Load(config, ".");
        using var b = DatasetLoader.Load(config, ".");
        using var c = DatasetLoader.Load(config with { Seed = 8 }, ".");
        foreach (var (x, y) in new[] { (a.Train, b.Train), (a.Validation, b.Validation), (a.Test, b.Test) })
        {
            Assert.True(x.Features.Equals(y.Features));
            Assert.True(x.Targets.Equals(y.Targets));
        }
        Assert.False(a.Train.Features.Equals(c.Train.Features));
        Assert.Equal(a.Notes, b.Notes);
    }

    [Fact]
    public void Zero_validation_fraction_gives_an_empty_but_well_formed_split()
    {
        using var data = DatasetLoader.Load(
            new DatasetConfig { Name = "breast-cancer", ValidationFraction = 0, Corruption = new CorruptionConfig { LabelNoise = 0.1 } }, ".");
        Assert.Equal(0, data.Validation.Count);
        Assert.Equal(new long[] { 0, 30 }, data.Validation.Features.shape);
        Assert.Equal(new long[] { 0 }, data.Validation.Targets.shape);
        Assert.Equal(TorchSharp.torch.ScalarType.Int64, data.Validation.Targets.dtype);
        Assert.Equal(455, data.Train.Count);
        // A 0-row split still works in tensor code (index_select, mean over rows).
        using var none = data.Validation.Features.index_select(0, TorchSharp.torch.zeros(0, TorchSharp.torch.ScalarType.Int64));
        Assert.Equal(0, none.shape[0]);
    }

    [Fact]
    public void Limits_subsample_after_splitting_stratified_and_seeded()
    {
        using var dir = new TempFolder();
        var path = dir.Write("ids.csv", IdCsv(100, 60, 40));
        var config = Csv(path) with { TestFraction = 0.25, ValidationFraction = 0.1, TrainLimit = 50, TestLimit = 20 };
        using var data = DatasetLoader.Load(config, dir.Path);
        Assert.Equal(20, data.Test.Count);
        Assert.Equal(45, data.Train.Count);
        Assert.Equal(5, data.Validation.Count);
        Assert.Equal(new[] { 10, 6, 4 }, ClassCounts(data.Test, 3));
        // The limited test split is a subset of the unlimited one (the limit only subsamples it).
        using var full = DatasetLoader.Load(config with { TrainLimit = 0, TestLimit = 0 }, dir.Path);
        Assert.Subset(Ids(full.Test).ToHashSet(), Ids(data.Test).ToHashSet());
        Assert.Subset(Ids(full.Train).Concat(Ids(full.Validation)).ToHashSet(), Ids(data.Train).Concat(Ids(data.Validation)).ToHashSet());
    }

    [Fact]
    public void Unknown_names_and_bad_fractions_are_data_errors()
    {
        ThrowsData(() => DatasetLoader.Load(new DatasetConfig { Name = "cifar" }, "."), "cifar", "digits", "synthetic-blobs", "fashion-mnist");
        ThrowsData(() => DatasetLoader.Load(new DatasetConfig { Name = "digits", ValidationFraction = 1 }, "."), "validationFraction", "[0, 1)");
        ThrowsData(() => DatasetLoader.Load(new DatasetConfig { Name = "digits", TestFraction = 0 }, "."), "testFraction", "(0, 1)");
        ThrowsData(() => DatasetLoader.Load(new DatasetConfig { Name = "digits", TrainLimit = -1 }, "."), "trainLimit");
    }
}
