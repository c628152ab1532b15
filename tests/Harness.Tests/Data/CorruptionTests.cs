using Harness.Data;
using Xunit;
using static Harness.Tests.Data.DataTestSupport;

namespace Harness.Tests.Data;

public class CorruptionTests
{
    static (PreparedData Clean, PreparedData Noisy) LoadPair(CorruptionConfig corruption)
    {
        var config = new DatasetConfig { Name = "digits", Seed = 3 };
        return (DatasetLoader.Load(config, "."), DatasetLoader.Load(config with { Corruption = corruption }, "."));
    }

    [Theory]
    [InlineData("symmetric", "corrupted")]
    [InlineData("class-dependent", "corrupted")]
    [InlineData("symmetric", "clean")]
    public void Label_noise_flips_the_configured_share_of_training_labels_and_of_validation_only_when_asked(string kind, string validation)
    {
        var (clean, noisy) = LoadPair(new CorruptionConfig { LabelNoise = 0.3, LabelNoiseKind = kind, Validation = validation });
        using (clean)
        using (noisy)
        {
            if (validation == "clean")
            {
                // Selection reads validation: by default it measures the true task, like the test set.
                Assert.True(clean.Validation.Targets.Equals(noisy.Validation.Targets));
                Assert.True(clean.Validation.Features.Equals(noisy.Validation.Features));
                Assert.Contains(noisy.Notes, note => note.StartsWith("validation: clean"));
                Assert.False(noisy.ValidationCorrupted);
            }
            var corrupted = validation == "clean"
                ? new[] { (clean.Train, noisy.Train, "train") }
                : new[] { (clean.Train, noisy.Train, "train"), (clean.Validation, noisy.Validation, "validation") };
            foreach (var (c, n, name) in corrupted)
            {
                Assert.True(c.Features.Equals(n.Features)); // features untouched
                var before = Longs(c.Targets);
                var after = Longs(n.Targets);
                var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToArray();
                Assert.Equal((int)Math.Round(0.3 * before.Length, MidpointRounding.AwayFromZero), changed.Length);
                Assert.All(after, y => Assert.InRange(y, 0, 9));
                if (kind == "class-dependent")
                    Assert.All(changed, i => Assert.Equal((before[i] + 1) % 10, after[i]));
                Assert.Contains(noisy.Notes, note => note.StartsWith(name + ": label noise") && note.Contains($"{changed.Length} of {before.Length}"));
            }
            Assert.True(clean.Test.Targets.Equals(noisy.Test.Targets));
        }
    }

    [Fact]
    public void Symmetric_noise_spreads_over_all_other_classes()
    {
        var (clean, noisy) = LoadPair(new CorruptionConfig { LabelNoise = 0.5 });
        using (clean)
        using (noisy)
        {
            var before = Longs(clean.Train.Targets);
            var after = Longs(noisy.Train.Targets);
            var offsets = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i])
                .Select(i => (after[i] - before[i] + 10) % 10).GroupBy(d => d).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(9, offsets.Count); // every other class is reached
            Assert.All(offsets.Values, count => Assert.InRange(count, 40, 110)); // about 646 / 9 = 72 each
        }
    }

    [Fact]
    public void Imbalance_keeps_the_fraction_of_the_listed_classes()
    {
        var (clean, cut) = LoadPair(new CorruptionConfig { ImbalanceClasses = [2, 7], ImbalanceKeepFraction = 0.1 });
        using (clean)
        using (cut)
        {
            var before = ClassCounts(clean.Train, 10);
            var after = ClassCounts(cut.Train, 10);
            for (int k = 0; k < 10; k++)
                Assert.Equal(k is 2 or 7 ? Math.Max(1, (int)Math.Round(before[k] * 0.1, MidpointRounding.AwayFromZero)) : before[k], after[k]);
            // The validation split stays as drawn (clean by default), like the test split.
            Assert.Equal(ClassCounts(clean.Validation, 10), ClassCounts(cut.Validation, 10));
            Assert.Equal(ClassCounts(clean.Test, 10), ClassCounts(cut.Test, 10));
        }
        var config = new DatasetConfig { Name = "digits", Seed = 3 };
        using (var both = DatasetLoader.Load(
            config with { Corruption = new CorruptionConfig { ImbalanceClasses = [2, 7], ImbalanceKeepFraction = 0.1, Validation = "corrupted" } }, "."))
        using (var plain = DatasetLoader.Load(config, "."))
        {
            var vBefore = ClassCounts(plain.Validation, 10);
            Assert.Equal(Math.Max(1, (int)Math.Round(vBefore[2] * 0.1, MidpointRounding.AwayFromZero)), ClassCounts(both.Validation, 10)[2]);
        }
        // At least one sample survives.
        using var tiny = DatasetLoader.Load(
            new DatasetConfig { Name = "digits", Corruption = new CorruptionConfig { ImbalanceClasses = [0], ImbalanceKeepFraction = 0.001 } }, ".");
        Assert.Equal(1, ClassCounts(tiny.Train, 10)[0]);
    }

    [Fact]
    public void Outliers_shift_the_configured_share_of_regression_targets_by_scale_stds()
    {
        var config = new DatasetConfig { Name = "diabetes", Seed = 5 };
        using var clean = DatasetLoader.Load(config, ".");
        using var noisy = DatasetLoader.Load(config with { Corruption = new CorruptionConfig { OutlierFraction = 0.1, OutlierScale = 8 } }, ".");
        Assert.Equal(clean.TargetMean, noisy.TargetMean);
        Assert.Equal(clean.TargetStd, noisy.TargetStd);
        var before = Floats(clean.Train.Targets);
        var after = Floats(noisy.Train.Targets);
        var shifts = Enumerable.Range(0, before.Length).Select(i => after[i] - before[i]).Where(d => d != 0).ToArray();
        Assert.Equal((int)Math.Round(0.1 * before.Length, MidpointRounding.AwayFromZero), shifts.Length);
        Assert.All(shifts, d => Assert.Equal(8, Math.Abs(d), 4)); // standardized units: 8 training stds
        Assert.Contains(shifts, d => d > 0);
        Assert.Contains(shifts, d => d < 0);
        Assert.True(clean.Test.Targets.Equals(noisy.Test.Targets));
    }

    [Fact]
    public void Corruptions_that_do_not_fit_the_task_are_data_errors()
    {
        ThrowsData(() => DatasetLoader.Load(new DatasetConfig { Name = "diabetes", Corruption = new CorruptionConfig { LabelNoise = 0.1 } }, "."),
            "labelNoise", "regression");
        ThrowsData(() => DatasetLoader.Load(new DatasetConfig { Name = "digits", Corruption = new CorruptionConfig { OutlierFraction = 0.1 } }, "."),
            "outlierFraction", "classification");
        ThrowsData(() => DatasetLoader.Load(new DatasetConfig { Name = "digits", Corruption = new CorruptionConfig { ImbalanceClasses = [10] } }, "."),
            "imbalanceClasses", "10", "0..9");
        ThrowsData(() => DatasetLoader.Load(new DatasetConfig { Name = "digits", Corruption = new CorruptionConfig { LabelNoise = 1 } }, "."),
            "labelNoise", "[0, 1)");
        ThrowsData(() => DatasetLoader.Load(new DatasetConfig { Name = "digits", Corruption = new CorruptionConfig { LabelNoiseKind = "pairwise" } }, "."),
            "pairwise", "class-dependent");
        ThrowsData(() => DatasetLoader.Load(
                new DatasetConfig { Name = "digits", Corruption = new CorruptionConfig { ImbalanceClasses = [1], ImbalanceKeepFraction = 0 } }, "."),
            "imbalanceKeepFraction", "(0, 1]");
    }
}
