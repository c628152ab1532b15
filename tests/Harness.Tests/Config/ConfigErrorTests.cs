using Harness.Config;
using Xunit;

namespace Harness.Tests.Config;

/// <summary>Each error a configuration can have: one ConfigException whose message names the key path, the value and what is valid.</summary>
public class ConfigErrorTests
{
    static void Check(string message, params string[] fragments)
    {
        foreach (var f in fragments) Assert.True(message.Contains(f, StringComparison.Ordinal), $"expected \"{f}\" in:\n{message}");
    }

    static string WithSets(params string[] overrides) => ConfigFiles.Error(ConfigFiles.Base, overrides);

    // Binding: unknown keys, wrong types, missing values.

    [Fact]
    public void Unknown_key_names_the_path_and_the_nearest_key()
    {
        var message = ConfigFiles.Error("""{ "name": "x", "training": { "optimiser": { "learningRate": 0.1 } }, "losses": [ { "loss": "cross-entropy" } ] }""");
        Check(message, "training.optimiser: unknown key; did you mean training.optimizer?", "epochs, batchSize, optimizer");
    }

    [Fact]
    public void Unknown_key_from_an_override_says_which_override()
    {
        Check(WithSets("training.optimizer.learningrat=0.1"),
            "training.optimizer.learningrat: unknown key; did you mean training.optimizer.learningRate?", "(set by --set training.optimizer.learningrat=0.1)");
    }

    [Fact]
    public void Unknown_key_in_a_list_entry() =>
        Check(ConfigFiles.Error("""{ "name": "x", "losses": [ { "loss": "mse", "targetEncoding": "one-hot", "option": {} } ] }"""),
            "losses.0.option: unknown key; did you mean losses.0.options?");

    [Fact]
    public void Wrong_type_integer() =>
        Check(ConfigFiles.Error("""{ "name": "x", "training": { "epochs": "ten" }, "losses": [ { "loss": "cross-entropy" } ] }"""),
            "training.epochs: 'ten' is not an integer");

    [Fact]
    public void Wrong_type_number_and_boolean()
    {
        Check(WithSets("training.optimizer.learningRate=fast"), "training.optimizer.learningRate: 'fast' is not a number");
        Check(WithSets("dataset.standardize=yes"), "dataset.standardize: 'yes' is not true or false");
        Check(WithSets("training.epochs=1.5"), "training.epochs: '1.5' is not an integer");
        Check(WithSets("training.epochs=99999999999"), "'99999999999' is not an integer in [-2147483648, 2147483647]");
    }

    [Fact]
    public void Wrong_shape_list_object_scalar()
    {
        Check(WithSets("seeds=5"), "seeds: '5' is not a list; expected a list like [0, 1, 2]");
        Check(WithSets("training=5"), "training: '5' is not an object");
        Check(WithSets("training.epochs=[1,2]"), "training.epochs: expected an integer, not a list or object");
        Check(ConfigFiles.Error("""{ "name": "x", "seeds": { "a": 1 }, "losses": [ { "loss": "nll" } ] }"""),
            "seeds: expected a list [ ... ], but found the key 'a'");
        Check(WithSets("losses.1.options.delta={\"a\": 1}"), "losses.1.options.delta: expected a number, true/false, a word or a list of numbers");
    }

    [Fact]
    public void List_index_past_the_end() =>
        Check(WithSets("losses.5.loss=mse"), "losses.5: list index 5 is past the end; the list has 2 entries, so the next index is 2.");

    [Fact]
    public void Missing_name() => Check(WithSets("name=\"\""), "name: missing; give the experiment a name");

    [Fact]
    public void Missing_loss_name() =>
        Check(ConfigFiles.Error("""{ "name": "x", "losses": [ { "displayName": "who?" } ] }"""),
            "losses.0.loss: missing; give a loss name: mse, l1", "builtin:<cross-entropy|nll");

    // Malformed files.

    [Fact]
    public void Malformed_json_gives_line_and_column()
    {
        var message = ConfigFiles.Error("{\n  \"name\": \"x\",\n  \"seeds\": [0, 1,, 2]\n}");
        Check(message, "malformed JSON at line 3, column 18: ',' is an invalid start of a value.");
    }

    [Fact]
    public void Malformed_json_column_counts_characters_not_bytes()
    {
        var message = ConfigFiles.Error("{\n  \"description\": \"ü ü\" x\n}");
        Check(message, "line 2, column 24");
    }

    [Fact]
    public void Truncated_json_and_empty_file()
    {
        Check(ConfigFiles.Error("{ \"name\": \"x\", \"losses\": ["), "malformed JSON at line 1");
        Check(ConfigFiles.Error(""), "the file is empty");
        Check(ConfigFiles.Error("[1, 2]"), "line 1, column 1: the top level must be a JSON object");
    }

    [Fact]
    public void Duplicate_key_gives_path_line_and_column() =>
        Check(ConfigFiles.Error("{\n  \"name\": \"x\",\n  \"training\": { \"epochs\": 3,\n    \"Epochs\": 4 }\n}"),
            "line 4, column 5: duplicate key training.Epochs (keys are case-insensitive)");

    [Fact]
    public void Keys_with_colons_are_rejected() =>
        Check(ConfigFiles.Error("{ \"name\": \"x\",\n  \"training:epochs\": 3 }"),
            "line 2, column 3: key 'training:epochs' contains ':'; write nested objects instead");

    [Fact]
    public void Missing_file() =>
        Check(Assert.Throws<ConfigException>(() => ConfigLoader.Load("/nonexistent/x.json", [])).Message, "/nonexistent/x.json: no such file");

    [Fact]
    public void Malformed_override()
    {
        Check(WithSets("epochs"), "--set epochs: expected key=value");
        Check(WithSets("training..epochs=3"), "is not a valid key path");
        Check(WithSets("losses={\"a\":"), "is not valid JSON");
    }

    // Ranges.

    [Theory]
    [InlineData("training.optimizer.learningRate=0", "training.optimizer.learningRate: 0 is out of range; valid: > 0.")]
    [InlineData("training.optimizer.learningRate=-1e-3", "training.optimizer.learningRate: -0.001 is out of range; valid: > 0.")]
    [InlineData("training.epochs=0", "training.epochs: 0 is out of range; valid: >= 1.")]
    [InlineData("training.batchSize=0", "training.batchSize: 0 is out of range; valid: >= 1.")]
    [InlineData("training.checkpointEvery=-1", "training.checkpointEvery: -1 is out of range; valid: >= 0 (epochs between checkpoints; 0: by time")]
    [InlineData("dataset.validationFraction=1", "dataset.validationFraction: 1 is out of range; valid: [0, 1).")]
    [InlineData("dataset.testFraction=0", "dataset.testFraction: 0 is out of range; valid: (0, 1).")]
    [InlineData("dataset.testFraction=1", "dataset.testFraction: 1 is out of range; valid: (0, 1).")]
    [InlineData("dataset.corruption.labelNoise=1", "dataset.corruption.labelNoise: 1 is out of range; valid: [0, 1).")]
    [InlineData("dataset.corruption.imbalanceKeepFraction=0", "dataset.corruption.imbalanceKeepFraction: 0 is out of range; valid: (0, 1].")]
    [InlineData("dataset.corruption.outlierFraction=-0.1", "dataset.corruption.outlierFraction: -0.1 is out of range; valid: [0, 1).")]
    [InlineData("model.dropout=1", "model.dropout: 1 is out of range; valid: [0, 1).")]
    [InlineData("training.optimizer.momentum=1", "training.optimizer.momentum: 1 is out of range; valid: [0, 1).")]
    [InlineData("threads=-1", "threads: -1 is out of range; valid: 0 (libtorch's default) to")]
    [InlineData("seeds=[]", "seeds: is empty; give at least one seed")]
    [InlineData("seeds=[1,2,1]", "seeds.2: 1 repeats seeds.0; seeds must be distinct.")]
    [InlineData("losses=[]", "losses: is empty; give at least one entry")]
    [InlineData("losses.1.displayName=CE", "losses.1.displayName: 'CE' is also the display name of losses.0; display names must be distinct")]
    [InlineData("model.hidden=[64,0]", "model.hidden.1: 0 is out of range; valid: >= 1")]
    [InlineData("training.schedule.gamma=0", "training.schedule.gamma: 0 is out of range; valid: (0, 1].")]
    [InlineData("convergenceTarget=1.5", "convergenceTarget: 1.5 is out of range; valid: (0, 1] (a validation accuracy)")]
    [InlineData("dataset.corruption.imbalanceClasses=[10]", "dataset.corruption.imbalanceClasses.0: 10 is not a class of 'digits'; valid: 0 to 9.")]
    public void Range_errors(string set, string expected) => Check(WithSets(set), expected, $"(set by --set {set})");

    [Fact]
    public void Ranges_of_values_from_the_file_have_no_override_note()
    {
        var message = ConfigFiles.Error("""{ "name": "x", "training": { "epochs": 0 }, "losses": [ { "loss": "nll" } ] }""");
        Assert.Equal("training.epochs: 0 is out of range; valid: >= 1.", message);
    }

    // Names from fixed sets.

    [Theory]
    [InlineData("dataset.name=digitz", "dataset.name: 'digitz' is not valid; did you mean digits? valid: digits, breast-cancer, diabetes, fashion-mnist, " +
                                       "mnist, csv, synthetic-regression, synthetic-blobs.")]
    [InlineData("model.kind=rnn", "model.kind: 'rnn' is not valid; did you mean cnn? valid: linear, mlp, cnn.")]
    [InlineData("training.optimizer.name=adagrad", "training.optimizer.name: 'adagrad' is not valid;", "valid: sgd, adam, adamw, rmsprop.")]
    [InlineData("training.schedule.name=linear", "training.schedule.name: 'linear' is not valid;", "valid: none, step, cosine.")]
    [InlineData("device=gpu", "device: 'gpu' is not valid;", "valid: cpu, cuda, auto.")]
    [InlineData("losses.0.activation=relu", "losses.0.activation: 'relu' is not valid;", "valid: none, sigmoid, softmax, log-softmax.")]
    [InlineData("losses.0.targetEncoding=onehot", "losses.0.targetEncoding: 'onehot' is not valid; did you mean one-hot? valid: index, one-hot, " +
                                                  "plus-minus-one, zero-one, real, index-list.")]
    [InlineData("model.kind=cnn", "model.kind: 'cnn' needs image data; dataset 'digits' is not an image dataset; " +
                                  "valid: linear, mlp, or dataset fashion-mnist or mnist.")]
    public void Name_errors_list_the_valid_names(string set, params string[] expected) => Check(WithSets(set), expected);

    [Fact]
    public void Cnn_is_fine_on_images() =>
        Assert.Equal("cnn", ConfigFiles.Load(ConfigFiles.Base, "model.kind=cnn", "dataset.name=fashion-mnist").Model.Kind);

    [Fact]
    public void Unknown_loss_names_the_nearest_and_the_valid_ones() =>
        Check(WithSets("losses.1.loss=hubr"),
            "losses.1.loss: 'hubr' is not a loss; did you mean huber? Valid: mse, l1, huber,", "builtin:<cross-entropy|nll|mse");

    [Fact]
    public void Builtin_only_for_losses_with_a_libtorch_twin()
    {
        Check(WithSets("losses.1.loss=builtin:focal"), "losses.1.loss: 'builtin:focal' has no libtorch built-in;",
            "valid: builtin:<cross-entropy|nll|mse|l1|huber|smooth-l1|bce|bce-with-logits|multi-margin|kl-div>.");
        Check(WithSets("losses.1.loss=builtin:hubr"), "did you mean builtin:huber?");
    }

    [Theory]
    [InlineData("name=../escape", "name: '../escape' is not a valid experiment name; use only letters, digits, '.', '_' and '-' (not '.' or '..')")]
    [InlineData("name=..", "name: '..' is not a valid experiment name")]
    [InlineData("name=a/b", "name: 'a/b' is not a valid experiment name")]
    [InlineData("output=results/../../etc", "output: 'results/../../etc' must not contain '..' segments")]
    [InlineData("losses.0.displayName=a/b", "losses.0.displayName: 'a/b' is not a valid display name")]
    public void Names_must_not_escape_the_results_folder(string set, string expected) => Check(WithSets(set), expected);

    // Loss options, checked by the registry.

    [Fact]
    public void Loss_option_out_of_range() =>
        Check(WithSets("losses.1.options.delta=-1"), "losses.1.options.delta: Loss 'huber', option 'delta' = -1 is out of range; valid: > 0.");

    [Fact]
    public void Loss_option_unknown() =>
        Check(WithSets("losses.1.options.detla=2"), "losses.1.options.detla: Loss 'huber' has no option 'detla'. Did you mean 'delta'?");

    [Fact]
    public void Loss_option_wrong_type() =>
        Check(WithSets("losses.0.options.label_smoothing=lots"), "losses.0.options.label_smoothing: Loss 'cross-entropy', option 'label_smoothing': " +
                                                                 "'lots' is not valid; expected a real number");

    [Fact]
    public void Per_class_vector_must_match_the_class_count() =>
        Check(WithSets("losses.0.options.weight=[1,2,3]"),
            "losses.0.options.weight: Loss 'cross-entropy', option 'weight' has 3 entries, but the task has 10 classes");

    // Loss and task.

    [Fact]
    public void Regression_loss_on_classes_needs_an_explicit_encoding()
    {
        Check(WithSets("losses.1.targetEncoding=\"\""),
            "losses.1.targetEncoding: missing: regression loss 'huber' on classification dataset 'digits' needs an explicit target encoding; valid: one-hot");
        Check(WithSets("losses.1.targetEncoding=index"), "losses.1.targetEncoding: 'index' does not fit: regression loss 'huber'");
        // 'real' on class labels can never make a head: refused here, not at binding after the folder exists.
        Check(WithSets("losses.1.targetEncoding=real"), "losses.1.targetEncoding: targetEncoding 'real' needs a regression dataset");
    }

    [Fact]
    public void Classification_loss_on_regression_data() =>
        Check(WithSets("dataset.name=diabetes", "losses.1.targetEncoding=real"),
            "losses.0.loss: 'cross-entropy' is a classification loss (multi-class) but dataset 'diabetes' is regression; " +
            "valid: a regression loss (mse, l1, huber,");

    [Fact]
    public void Csv_regression_is_regression() =>
        Check(WithSets("dataset.name=csv", "dataset.csv.path=data.csv", "dataset.csv.task=regression"),
            "losses.0.loss: 'cross-entropy' is a classification loss (multi-class) but dataset 'csv (regression)' is regression");

    [Fact]
    public void Hinge_on_ten_classes_names_the_loss_the_dataset_and_its_class_count() =>
        Check(WithSets("losses.1.loss=hinge", "losses.1.targetEncoding=\"\"", "losses.1.options={}"),
            "losses.1.loss: 'hinge' with plus-minus-one targets needs exactly 2 classes, but dataset 'digits' has 10 classes");

    [Fact]
    public void Binary_losses_are_fine_on_two_classes_and_with_one_hot()
    {
        // A single-output head with softmax (the base config's loss 1) is constant: refused at validation now.
        Check(WithSets("dataset.name=breast-cancer", "losses.1.loss=hinge", "losses.1.targetEncoding=\"\"", "losses.1.options={}"),
            "losses.1.activation: softmax over a single output unit is constant");
        var c = ConfigFiles.Load(ConfigFiles.Base, "dataset.name=breast-cancer", "losses.1.loss=hinge", "losses.1.targetEncoding=\"\"",
            "losses.1.activation=\"\"", "losses.1.options={}");
        Assert.Equal("hinge", c.Losses[1].Loss);
        c = ConfigFiles.Load(ConfigFiles.Base, "dataset.name=synthetic-blobs", "dataset.synthetic.classes=2", "losses.1.loss=bce-with-logits",
            "losses.1.targetEncoding=zero-one", "losses.1.activation=\"\"", "losses.1.options={}");
        Assert.Equal("zero-one", c.Losses[1].TargetEncoding);
        c = ConfigFiles.Load(ConfigFiles.Base, "losses.1.loss=bce-with-logits", "losses.1.targetEncoding=one-hot", "losses.1.options={}");
        Assert.Equal("one-hot", c.Losses[1].TargetEncoding);
        // csv: the class count is unknown until the file is read, so the check waits.
        c = ConfigFiles.Load(ConfigFiles.Base, "dataset.name=csv", "dataset.csv.path=x.csv", "losses.1.loss=hinge", "losses.1.targetEncoding=\"\"",
            "losses.1.activation=\"\"", "losses.1.options={}");
        Assert.Equal("hinge", c.Losses[1].Loss);
    }

    [Fact]
    public void Blobs_with_three_classes_are_not_binary() =>
        Check(WithSets("dataset.name=synthetic-blobs", "losses.1.loss=bce", "losses.1.targetEncoding=zero-one", "losses.1.options={}"),
            "losses.1.targetEncoding: 'bce' with zero-one targets needs exactly 2 classes, but dataset 'synthetic-blobs' has 3 classes");

    [Fact]
    public void Embedding_losses_do_not_fit_the_datasets() =>
        Check(WithSets("losses.1.loss=triplet-margin", "losses.1.options={}"), "losses.1.loss: 'triplet-margin' is an embedding loss");

    [Fact]
    public void Regression_targets_take_no_class_encoding() =>
        Check(WithSets("dataset.name=synthetic-regression", "losses=[{\"loss\": \"mse\", \"targetEncoding\": \"one-hot\"}]"),
            "losses.0.targetEncoding: 'one-hot' does not apply to the real targets of regression dataset 'synthetic-regression'; valid: real, or empty.");

    [Fact]
    public void Every_error_is_one_line()
    {
        var message = WithSets("losses.1.loss=hubr");
        Assert.DoesNotContain('\n', message);
    }
}

/// <summary>The protocol's config rules: selection reads validation only, tuning seeds are not evaluation seeds, rankBy fits the task.</summary>
public class ProtocolConfigErrorTests
{
    static void Check(string message, params string[] fragments)
    {
        foreach (var f in fragments) Assert.True(message.Contains(f, StringComparison.Ordinal), $"expected \"{f}\" in:\n{message}");
    }

    static string WithSets(params string[] overrides) => ConfigFiles.Error(ConfigFiles.Base, overrides);

    [Theory]
    [InlineData("training.earlyStopping.enabled=true", "training.earlyStopping.enabled: true needs a validation split")]
    [InlineData("convergenceTarget=0.9", "convergenceTarget: 0.9 is measured on the validation split")]
    [InlineData("tuning.learningRates=[0.001,0.01]", "tuning.learningRates: tuning picks the rate with the best validation score")]
    [InlineData("calibration.temperatureScaling=true", "calibration.temperatureScaling: true fits the temperature on the validation split")]
    public void Selection_without_a_validation_split_is_an_error_not_a_fallback_to_the_test_set(string set, string expected) =>
        Check(WithSets("dataset.validationFraction=0", set), expected, "never the test set");

    [Fact]
    public void Tuning_seeds_must_not_be_evaluation_seeds() =>
        Check(WithSets("seeds=[0,1]", "tuning.learningRates=[0.001,0.01]", "tuning.seeds=[5,1]"),
            "tuning.seeds.1: 1 is also an evaluation seed (seeds)");

    [Fact]
    public void Tuning_rates_must_be_positive_and_distinct()
    {
        Check(WithSets("tuning.learningRates=[0.001,-1]"), "tuning.learningRates.1: -1 is out of range; valid: > 0");
        Check(WithSets("tuning.learningRates=[0.001,0.001]"), "tuning.learningRates.1: 0.001 repeats tuning.learningRates.0");
    }

    [Fact]
    public void RankBy_lists_the_metrics_of_the_task()
    {
        Check(WithSets("rankBy=rmse"), "rankBy: 'rmse' is not valid;", "accuracy, balanced-accuracy, macro-f1, nll, ece");
        Check(WithSets("rankBy=acuracy"), "did you mean accuracy?");
    }

    [Fact]
    public void Corruption_of_the_validation_split_is_clean_or_corrupted() =>
        Check(WithSets("dataset.corruption.validation=noisy"), "dataset.corruption.validation: 'noisy' is not valid;", "clean, corrupted");

    [Fact]
    public void Without_selection_a_validation_fraction_of_zero_is_allowed()
    {
        var config = ConfigLoader.Load(ConfigFiles.Write(ConfigFiles.Base), ["dataset.validationFraction=0"]).Config;
        Assert.Equal(0, config.Dataset.ValidationFraction);
        Assert.Equal("accuracy", config.RankBy);
    }
}

/// <summary>Unknown keys are answered with the key the user most likely meant, in its section or in another.</summary>
public class KeySuggestionTests
{
    static string WithSets(params string[] overrides) => ConfigFiles.Error(ConfigFiles.Base, overrides);

    [Theory]
    [InlineData("training.optimizer.lr=0.1", "did you mean training.optimizer.learningRate?")]
    [InlineData("training.optimizer.learning_rate=0.1", "did you mean training.optimizer.learningRate?")]
    [InlineData("training.batch_size=8", "did you mean training.batchSize?")]
    [InlineData("epochs=5", "did you mean training.epochs?")]
    [InlineData("validationFraction=0.2", "did you mean dataset.validationFraction?")]
    [InlineData("training.learningRate=0.1", "did you mean training.optimizer.learningRate?")]
    public void An_unknown_key_suggests_the_key_meant(string set, string expected)
    {
        var message = WithSets(set);
        Assert.True(message.Contains(expected, StringComparison.Ordinal), message);
    }
}

/// <summary>PyTorch's loss names in a config resolve to the registry's, and the resolved config records the registry name.</summary>
public class LossAliasConfigTests
{
    [Fact]
    public void Aliases_resolve_and_builtins_take_them_too()
    {
        var config = ConfigFiles.Load(ConfigFiles.Base, "losses.0.loss=CrossEntropyLoss", "losses.1.loss=builtin:HuberLoss");
        Assert.Equal("cross-entropy", config.Losses[0].Loss);
        Assert.Equal("builtin:huber", config.Losses[1].Loss);
        var regression = ConfigFiles.Load(ConfigFiles.Base, "dataset.name=diabetes", "losses=[{\"loss\":\"pinball\"}]");
        Assert.Equal("quantile", Assert.Single(regression.Losses).Loss);
    }
}

/// <summary>A config with several mistakes gets them all in one run, not one per attempt.</summary>
public class AllConfigErrorsAtOnceTests
{
    [Fact]
    public void Three_distinct_mistakes_are_reported_together()
    {
        var message = ConfigFiles.Error("""
            { "name": "x",
              "training": { "epochs": "ten", "optimizer": { "lr": 0.1 } },
              "dataset": { "validationFraction": 2 },
              "losses": [ { "loss": "cross-entropy" } ] }
            """);
        Assert.StartsWith("3 problems in the configuration:", message);
        Assert.Contains("  - training.epochs: 'ten' is not an integer", message);
        Assert.Contains("  - training.optimizer.lr: unknown key; did you mean training.optimizer.learningRate?", message);
        Assert.Contains("  - dataset.validationFraction: 2 is out of range", message);
    }

    [Fact]
    public void Each_problem_points_at_its_line_and_column_unless_a_set_gave_the_value()
    {
        var path = ConfigFiles.Write("""
            { "name": "x",
              "training": { "epochs": -3, "optimizer": { "lr": 0.1 } },
              "losses": [ { "loss": "cross-entropy" },
                          { "loss": "nope" } ] }
            """);
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path, ["losses.0.loss=zzz"]));
        Assert.Equal(4, e.Problems.Count);
        Assert.Contains($"  - {path}: line 2, column 46: training.optimizer.lr: unknown key", e.Message);
        Assert.Contains($"  - {path}: line 2, column 17: training.epochs: -3 is out of range", e.Message);
        Assert.Contains($"  - {path}: line 4, column 17: losses.1.loss: 'nope' is not a loss", e.Message);
        // The value came from the command line, so the file position would mislead.
        Assert.Contains("  - losses.0.loss: 'zzz' is not a loss", e.Message);
    }

    [Fact]
    public void A_missing_key_points_at_the_nearest_enclosing_one()
    {
        var path = ConfigFiles.Write("""
            { "name": "x",
              "losses": [ { "displayName": "no loss here" } ] }
            """);
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));
        Assert.StartsWith($"{path}: line 2, column 15: losses.0.loss:", e.Message);
    }

    [Fact]
    public void A_single_mistake_reads_as_before_and_a_failed_key_is_not_reported_twice()
    {
        var one = ConfigFiles.Error("""{ "name": "x", "training": { "epochs": "ten" }, "losses": [ { "loss": "cross-entropy" } ] }""");
        Assert.StartsWith("training.epochs: 'ten' is not an integer", one);
        var e = Assert.Throws<ConfigException>(() =>
            ConfigFiles.Load("""{ "name": "x", "seeds": "zero", "training": { "epochs": "ten" }, "losses": [ { "loss": "cross-entropy" } ] }"""));
        Assert.Equal(2, e.Problems.Count);
    }

    [Fact]
    public void Semantic_mistakes_in_different_sections_are_reported_together()
    {
        // Each binds fine; the validator used to stop at the first (the name).
        var message = ConfigFiles.Error("""
            { "name": "a/b",
              "seeds": [0, 0],
              "training": { "optimizer": { "name": "adam", "momentum": 0.9 } },
              "losses": [ { "loss": "hubber" }, { "loss": "huber", "options": { "delta": -1 } }, { "loss": "mse", "targetEncoding": "one-hot" } ] }
            """);
        Assert.StartsWith("5 problems in the configuration:", message);
        Assert.Contains("  - training.optimizer.momentum: 0.9 does not apply to adam", message);
        Assert.Contains("  - name: 'a/b' is not a valid experiment name", message);
        Assert.Contains("  - seeds.1: 0 repeats seeds.0", message);
        Assert.Contains("  - losses.0.loss: 'hubber' is not a loss; did you mean huber?", message);
        Assert.Contains("  - losses.1.options.delta:", message);
    }

    [Fact]
    public void A_broken_dataset_section_does_not_echo_into_the_checks_that_need_it()
    {
        var message = ConfigFiles.Error("""{ "name": "x", "dataset": { "name": "digitz" }, "model": { "kind": "cnn" }, "losses": [ { "loss": "mse" } ] }""");
        Assert.StartsWith("dataset.name: 'digitz' is not valid; did you mean digits?", message);
        Assert.DoesNotContain("problems in the configuration", message);
    }
}
