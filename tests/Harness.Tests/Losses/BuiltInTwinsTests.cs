using CustomLosses.Catalog;
using Harness.Config;
using Harness.Data;
using Harness.Losses;
using Xunit;

namespace Harness.Tests.Losses;

/// <summary>The twin table and the dataset catalogue agree with the facts they sit next to.</summary>
public class BuiltInTwinsTests
{
    [Fact]
    public void Every_spec_with_a_built_in_reference_has_exactly_one_twin_and_no_other_spec_has_one()
    {
        foreach (var spec in LossRegistry.All)
        {
            var twins = BuiltInTwins.All.Count(t => t.Spec.Name == spec.Name);
            Assert.True(spec.Reference == LossSpec.FormulaReference ? twins == 0 : twins == 1,
                $"{spec.Name}: reference '{spec.Reference}', {twins} twin(s) in BuiltInTwins.");
        }
    }

    [Fact]
    public void Built_ins_offered_to_experiments_are_trainable_twins()
    {
        Assert.Equal(["cross-entropy", "nll", "mse", "l1", "huber", "smooth-l1", "bce", "bce-with-logits", "multi-margin", "kl-div"],
            BuiltInTwins.OfferedForTraining);
        Assert.All(BuiltInTwins.OfferedForTraining, name => Assert.True(LossFit.IsTrainable(LossRegistry.Get(name))));
    }

    [Fact]
    public void A_loss_reference_is_parsed_once_with_its_prefix()
    {
        Assert.Equal(new LossReference("huber", true), LossReference.Parse(" BuiltIn: huber "));
        Assert.Equal(new LossReference("HuberLoss", false), LossReference.Parse("HuberLoss"));
        Assert.Equal("builtin:huber", LossReference.Parse("builtin:HuberLoss").Canonical.ToString());
    }

    [Fact]
    public void The_config_vocabulary_reads_the_dataset_catalogue()
    {
        Assert.Equal(DatasetCatalog.Names, ConfigVocabulary.Datasets);
        Assert.Equal(["fashion-mnist", "mnist"], ConfigVocabulary.ImageDatasets);
        Assert.True(DatasetCatalog.IsRegression(new DatasetConfig { Name = "diabetes" }));
        Assert.True(DatasetCatalog.IsRegression(new DatasetConfig { Name = "csv", Csv = new CsvDatasetConfig { Task = "regression" } }));
        Assert.Equal(4, DatasetCatalog.ClassCount(new DatasetConfig { Name = "synthetic-blobs", Synthetic = new SyntheticDatasetConfig { Classes = 4 } }));
        Assert.Null(DatasetCatalog.ClassCount(new DatasetConfig { Name = "csv" }));
        Assert.All(DatasetCatalog.All, d => Assert.False(string.IsNullOrWhiteSpace(d.Licence)));
    }
}
