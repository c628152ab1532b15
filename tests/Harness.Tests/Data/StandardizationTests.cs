using Harness.Data;
using Xunit;
using static Harness.Tests.Data.DataTestSupport;

namespace Harness.Tests.Data;

public class StandardizationTests
{
    [Fact]
    public void Statistics_come_from_the_training_split_only()
    {
        using var dir = new TempFolder();
        var path = dir.Write("ids.csv", IdCsv(100, 60, 40));
        var config = Csv(path, standardize: true) with { TestFraction = 0.3, ValidationFraction = 0.2 };
        using var data = DatasetLoader.Load(config, dir.Path);
        using var raw = DatasetLoader.Load(config with { Standardize = false }, dir.Path);

        var x = Floats(data.Train.Features);
        for (int f = 0; f < 2; f++)
        {
            var column = Enumerable.Range(0, (int)data.Train.Count).Select(i => (double)x[i * 2 + f]).ToArray();
            Assert.Equal(0, column.Average(), 4);
            Assert.Equal(1, Math.Sqrt(column.Select(v => v * v).Average()), 4);
        }
        // Test rows are transformed with the training mean/std: recompute them from the raw training ids.
        var trainIds = Ids(raw.Train).Select(i => (double)i).ToArray();
        double mean = trainIds.Average(), std = Math.Sqrt(trainIds.Select(v => (v - mean) * (v - mean)).Average());
        var rawTest = Ids(raw.Test);
        var test = Floats(data.Test.Features);
        for (int i = 0; i < rawTest.Length; i++)
            Assert.Equal((rawTest[i] - mean) / std, test[i * 2], 4);
    }

    [Fact]
    public void Constant_features_are_centred_not_divided_by_zero()
    {
        using var dir = new TempFolder();
        var path = dir.Write("const.csv", "a,b,y\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"5,{i},{i % 2}\n")));
        using var data = DatasetLoader.Load(Csv(path, standardize: true), dir.Path);
        var x = Floats(data.Train.Features);
        Assert.All(Enumerable.Range(0, (int)data.Train.Count), i => Assert.Equal(0f, x[i * 2]));
        Assert.All(x, v => Assert.True(float.IsFinite(v)));
        Assert.Contains(data.Notes, n => n.Contains("1 constant feature"));
    }

    [Fact]
    public void Regression_targets_use_training_mean_and_std()
    {
        using var dir = new TempFolder();
        var path = dir.Write("reg.csv", RegressionCsv(200));
        using var data = DatasetLoader.Load(Csv(path, "regression", standardize: true), dir.Path);
        var y = Floats(data.Train.Targets).Select(v => (double)v).ToArray();
        Assert.Equal(0, y.Average(), 4);
        Assert.Equal(1, Math.Sqrt(y.Select(v => v * v).Average()), 4);
        // Mapped back with TargetMean/TargetStd, test targets are the file's values: y = 1.5 k + 1, k = id mod 17.
        var back = Floats(data.Test.Targets).Select(v => (v * data.TargetStd + data.TargetMean - 1) / 1.5).ToArray();
        Assert.Equal(40, back.Length);
        Assert.All(back, k => Assert.True(Math.Abs(k - Math.Round(k)) < 1e-4 && k > -0.01 && k < 16.01, $"k = {k}"));
    }
}
