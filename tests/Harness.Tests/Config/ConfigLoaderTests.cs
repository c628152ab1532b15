using Harness.Config;
using Harness.Data;
using Xunit;

namespace Harness.Tests.Config;

public class ConfigLoaderTests
{
    [Fact]
    public void Quickstart_loads_as_written()
    {
        var loaded = ConfigLoader.Load(Path.Combine(RepositoryPaths.Root, "experiments", "quickstart.json"), []);
        var c = loaded.Config;
        Assert.Equal(Path.Combine(RepositoryPaths.Root, "experiments"), loaded.BaseDirectory);
        Assert.Equal("quickstart", c.Name);
        Assert.Equal("digits", c.Dataset.Name);
        Assert.Equal("mlp", c.Model.Kind);
        Assert.Equal([64], c.Model.Hidden);
        Assert.Equal(15, c.Training.Epochs);
        Assert.Equal(32, c.Training.BatchSize);
        Assert.Equal("adam", c.Training.Optimizer.Name);
        Assert.Equal(1e-3, c.Training.Optimizer.LearningRate);
        Assert.Equal([0, 1, 2], c.Seeds);
        Assert.Equal([1e-3, 3e-3, 1e-2], c.Tuning.LearningRates);
        Assert.Equal([100, 101], c.Tuning.Seeds);
        Assert.True(c.Calibration.TemperatureScaling);
        Assert.Equal("accuracy", c.RankBy);
        Assert.Equal(["cross-entropy", "mse", "multi-margin", "focal"], c.Losses.Select(l => l.Loss));
        Assert.Equal(["CE", "MSE on softmax", "Multi-class hinge", "Focal (gamma 2)"], c.Losses.Select(l => l.DisplayName));
        Assert.Equal("softmax", c.Losses[1].Activation);
        Assert.Equal("one-hot", c.Losses[1].TargetEncoding);
        Assert.Equal("2", c.Losses[3].Options["gamma"]);
        Assert.Equal(0.95, c.ConvergenceTarget);
        Assert.Equal(1, c.Threads);
    }

    [Fact]
    public void Defaults_fill_what_the_file_leaves_out()
    {
        var c = ConfigFiles.Load("""{ "name": "min", "losses": [ { "loss": "cross-entropy" } ] }""");
        var d = new ExperimentConfig();
        Assert.Equal(d.Seeds, c.Seeds);
        Assert.Equal("cpu", c.Device);
        Assert.Equal(1, c.Threads);
        Assert.Equal("results", c.Output);
        Assert.Null(c.ConvergenceTarget);
        Assert.Equal("digits", c.Dataset.Name);
        Assert.Equal(0.1, c.Dataset.ValidationFraction);
        Assert.Equal(0.2, c.Dataset.TestFraction);
        Assert.True(c.Dataset.Standardize);
        Assert.Equal(1.0, c.Dataset.Corruption.ImbalanceKeepFraction);
        Assert.Equal([64], c.Model.Hidden);
        Assert.Equal(10, c.Training.Epochs);
        Assert.Equal(64, c.Training.BatchSize);
        Assert.Equal(1e-3, c.Training.Optimizer.LearningRate);
        Assert.Equal("none", c.Training.Schedule.Name);
        Assert.Equal(5, c.Training.EarlyStopping.Patience);
        Assert.Empty(c.Losses[0].Options);
        Assert.Equal("", c.Losses[0].DisplayName);
    }

    [Fact]
    public void Schema_key_is_accepted_and_ignored()
    {
        var c = ConfigFiles.Load("""{ "$schema": "./experiment.schema.json", "name": "s", "losses": [ { "loss": "mse", "targetEncoding": "one-hot" } ] }""");
        Assert.Equal("s", c.Name);
    }

    [Fact]
    public void Keys_are_case_insensitive_and_names_come_back_canonical()
    {
        var c = ConfigFiles.Load(
            """{ "NAME": "x", "Training": { "Optimizer": { "Name": "SGD", "LEARNINGRATE": 0.5 } }, "losses": [ { "Loss": "Cross-Entropy" } ] }""");
        Assert.Equal("sgd", c.Training.Optimizer.Name);
        Assert.Equal(0.5, c.Training.Optimizer.LearningRate);
        Assert.Equal("cross-entropy", c.Losses[0].Loss);
    }

    [Fact]
    public void Comments_and_trailing_commas_are_allowed()
    {
        var c = ConfigFiles.Load("""
            {
              // an experiment
              "name": "c", /* inline */
              "losses": [ { "loss": "nll", "activation": "log-softmax", }, ],
            }
            """);
        Assert.Equal("nll", c.Losses[0].Loss);
    }

    [Fact]
    public void Override_scalar_nested()
    {
        var c = ConfigFiles.Load(ConfigFiles.Base, "training.optimizer.learningRate=0.01", "training.epochs=7", "dataset.name=breast-cancer", "name=other");
        Assert.Equal(0.01, c.Training.Optimizer.LearningRate);
        Assert.Equal(7, c.Training.Epochs);
        Assert.Equal("breast-cancer", c.Dataset.Name);
        Assert.Equal("other", c.Name);
    }

    [Fact]
    public void Override_list_replaces_rather_than_merges()
    {
        var c = ConfigFiles.Load(ConfigFiles.Base, "seeds=[5]", "model.hidden=[256,128]");
        Assert.Equal([5], c.Seeds);
        Assert.Equal([256, 128], c.Model.Hidden);
        c = ConfigFiles.Load(ConfigFiles.Base, "model.hidden=[]");
        Assert.Empty(c.Model.Hidden);
    }

    [Fact]
    public void Override_list_of_objects_replaces_the_whole_list()
    {
        var c = ConfigFiles.Load(ConfigFiles.Base, """losses=[{"loss": "multi-margin", "options": {"margin": 2}}]""");
        var only = Assert.Single(c.Losses);
        Assert.Equal("multi-margin", only.Loss);
        Assert.Equal("2", only.Options["margin"]);
    }

    [Fact]
    public void Override_list_index_and_new_entry()
    {
        var c = ConfigFiles.Load(ConfigFiles.Base, "losses.1.options.delta=2", "Losses.0.DisplayName=Cross entropy", "losses.2.loss=focal",
            "losses.2.options.alpha=[1,1,1,1,1,1,1,1,1,2]");
        Assert.Equal("2", c.Losses[1].Options["delta"]);
        Assert.Equal("Cross entropy", c.Losses[0].DisplayName);
        Assert.Equal("focal", c.Losses[2].Loss);
        Assert.Equal("[1, 1, 1, 1, 1, 1, 1, 1, 1, 2]", c.Losses[2].Options["alpha"]);
        Assert.Equal("softmax", c.Losses[1].Activation);  // siblings of the overridden key stay
    }

    [Fact]
    public void Override_bare_word_list_quoted_text_and_null()
    {
        var c = ConfigFiles.Load(ConfigFiles.Base, "dataset.corruption.imbalanceClasses=[1, 2]", "description=\"a = b\"", "convergenceTarget=0.9");
        Assert.Equal([1, 2], c.Dataset.Corruption.ImbalanceClasses);
        Assert.Equal("a = b", c.Description);
        c = ConfigFiles.Load(ConfigFiles.Base, "convergenceTarget=0.9", "convergenceTarget=null");
        Assert.Null(c.ConvergenceTarget);
    }

    [Fact]
    public void Json_options_lists_arrive_as_bracketed_text()
    {
        var c = ConfigFiles.Load("""{ "name": "w", "losses": [ { "loss": "cross-entropy",""" +
                                 """ "options": { "weight": [1, 2.5, 1, 1, 1, 1, 1, 1, 1, 1], "label_smoothing": 0.1 } } ] }""");
        Assert.Equal("[1, 2.5, 1, 1, 1, 1, 1, 1, 1, 1]", c.Losses[0].Options["weight"]);
        Assert.Equal("0.1", c.Losses[0].Options["label_smoothing"]);
    }

    [Fact]
    public void Builtin_losses_are_accepted()
    {
        var c = ConfigFiles.Load(
            ConfigFiles.Base, "losses.1.loss=builtin:cross-entropy", "losses.1.options={}", "losses.1.activation=none", "losses.1.targetEncoding=index");
        Assert.Equal("builtin:cross-entropy", c.Losses[1].Loss);
    }

    [Fact]
    public void Validator_can_be_used_on_configs_built_in_code()
    {
        var c = ConfigValidator.Validate(
            new ExperimentConfig { Name = "code", Losses = [new LossEntryConfig { Loss = "HINGE" }], Dataset = new DatasetConfig { Name = "Breast-Cancer" } });
        Assert.Equal("hinge", c.Losses[0].Loss);
        Assert.Equal("breast-cancer", c.Dataset.Name);
    }
}
