using System.Text.Json.Serialization;
using Harness.Data;
using Harness.Losses;

namespace Harness.Config;

// The typed form of experiments/*.json. Property names are the JSON keys (camelCase in JSON; matching is
// case-insensitive). Defaults here are the defaults users get; ConfigValidator checks ranges and
// cross-field rules; experiments/experiment.schema.json mirrors these records (a test keeps them in step).

/// <summary>A whole experiment: one network per (loss, seed) cell, all else equal.</summary>
public sealed record ExperimentConfig
{
    /// <summary>Experiment name; results go to <c>{Output}/{Name}</c>. Letters, digits, '-', '_', '.'.</summary>
    public string Name { get; init; } = "";
    /// <summary>Free text shown in reports.</summary>
    public string Description { get; init; } = "";
    /// <summary>The data.</summary>
    public DatasetConfig Dataset { get; init; } = new();
    /// <summary>The network.</summary>
    public ModelConfig Model { get; init; } = new();
    /// <summary>Epochs, batches, optimizer, schedule, clipping, early stopping.</summary>
    public TrainingConfig Training { get; init; } = new();
    /// <summary>
    /// Loss plugins loaded before the losses are looked up: .dll or .csproj paths, relative to the config file (written
    /// back absolute in the resolved config).
    /// </summary>
    public IReadOnlyList<string> Plugins { get; init; } = [];
    /// <summary>The losses compared (at least one).</summary>
    public IReadOnlyList<LossEntryConfig> Losses { get; init; } = [];
    /// <summary>Seeds; each seed gives one initial network and one data order shared by every loss.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [0];
    /// <summary>cpu (default), cuda or auto.</summary>
    public string Device { get; init; } = "cpu";
    /// <summary>Intra-op threads for libtorch (0: libtorch's default).</summary>
    public int Threads { get; init; } = 1;
    /// <summary>
    /// Runs trained at once, each on its own thread; 0 (the default): auto, one per core a run's threads leave (one on
    /// CUDA); --jobs overrides it. The results do not depend on it.
    /// </summary>
    public int Jobs { get; init; } = JobsSetting.Auto;
    /// <summary>Target for "epochs/seconds to target": a validation accuracy (classification) or RMSE (regression).</summary>
    public double? ConvergenceTarget { get; init; }
    /// <summary>Root folder for results.</summary>
    public string Output { get; init; } = "results";
    /// <summary>Registry name of the baseline loss entry for comparisons (display name or loss name); empty: the first entry.</summary>
    public string Baseline { get; init; } = "";
    /// <summary>
    /// The test metric the verdict ranks losses by: accuracy, balanced-accuracy, macro-f1, nll, ece or brier
    /// (classification); rmse or mae (regression). Empty: accuracy or rmse.
    /// </summary>
    public string RankBy { get; init; } = "";
    /// <summary>Per-loss learning-rate tuning on seeds of its own (off when no rates are listed).</summary>
    public TuningConfig Tuning { get; init; } = new();
    /// <summary>Calibration options for classification runs.</summary>
    public CalibrationConfig Calibration { get; init; } = new();
}

/// <summary>
/// Per-loss learning-rate tuning: every loss trains with every candidate rate on the tuning seeds, keeps the rate with
/// the best mean validation score, and the evaluation seeds (<see cref="ExperimentConfig.Seeds"/>) then run with it.
/// </summary>
public sealed record TuningConfig
{
    /// <summary>Candidate learning rates (each &gt; 0); empty: no tuning, every loss uses training.optimizer.learningRate.</summary>
    public IReadOnlyList<double> LearningRates { get; init; } = [];
    /// <summary>Seeds of the tuning runs; distinct from the evaluation seeds, so no evaluation run was used to choose.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [1000, 1001];
}

/// <summary>Calibration options.</summary>
public sealed record CalibrationConfig
{
    /// <summary>Fit a temperature on the validation split after training and report test calibration before and after it.</summary>
    public bool TemperatureScaling { get; init; }
}

/// <summary>The network.</summary>
public sealed record ModelConfig
{
    /// <summary>linear, mlp or cnn.</summary>
    public string Kind { get; init; } = "mlp";
    /// <summary>Hidden layer sizes (mlp).</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [64];
    /// <summary>relu, tanh, gelu or sigmoid (mlp).</summary>
    public string Activation { get; init; } = "relu";
    /// <summary>Dropout probability after each hidden layer, in [0, 1).</summary>
    public double Dropout { get; init; }
    /// <summary>Batch normalization after each hidden linear layer.</summary>
    public bool BatchNorm { get; init; }
}

/// <summary>How to train.</summary>
public sealed record TrainingConfig
{
    /// <summary>Epochs, at least 1.</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>Mini-batch size, at least 1.</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>The optimizer.</summary>
    public OptimizerConfig Optimizer { get; init; } = new();
    /// <summary>The learning-rate schedule.</summary>
    public ScheduleConfig Schedule { get; init; } = new();
    /// <summary>Clip the global gradient norm to this (0: no clipping).</summary>
    public double GradientClipNorm { get; init; }
    /// <summary>Early stopping.</summary>
    public EarlyStoppingConfig EarlyStopping { get; init; } = new();
    /// <summary>
    /// Checkpoint every this many epochs (Lightning's <c>every_n_epochs</c>); 0 (default): by time, at the end of the
    /// first epoch that ends at least <c>Training.CheckpointCadence.AutoIntervalSeconds</c> after the run's last
    /// checkpoint or start. A run's final epoch is never checkpointed (its summary follows at once).
    /// </summary>
    public int CheckpointEvery { get; init; }
}

/// <summary>Optimizer and its hyper-parameters.</summary>
public sealed record OptimizerConfig
{
    /// <summary>sgd, adam, adamw or rmsprop.</summary>
    public string Name { get; init; } = "adam";
    /// <summary>Learning rate, &gt; 0.</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Momentum (sgd, rmsprop), in [0, 1).</summary>
    public double Momentum { get; init; }
    /// <summary>Nesterov momentum (sgd; needs momentum &gt; 0).</summary>
    public bool Nesterov { get; init; }
    /// <summary>Weight decay, &gt;= 0 (decoupled for adamw).</summary>
    public double WeightDecay { get; init; }
}

/// <summary>Learning-rate schedule, stepped once per epoch.</summary>
public sealed record ScheduleConfig
{
    /// <summary>none, step or cosine.</summary>
    public string Name { get; init; } = "none";
    /// <summary>step: multiply the rate by <see cref="Gamma"/> every this many epochs.</summary>
    public int StepSize { get; init; } = 10;
    /// <summary>step: the factor, in (0, 1].</summary>
    public double Gamma { get; init; } = 0.1;
    /// <summary>cosine: the final learning rate, &gt;= 0.</summary>
    public double MinLearningRate { get; init; }
}

/// <summary>Stop when a validation metric has not improved for a while.</summary>
public sealed record EarlyStoppingConfig
{
    /// <summary>Off by default.</summary>
    public bool Enabled { get; init; }
    /// <summary>Epochs without improvement before stopping, at least 1.</summary>
    public int Patience { get; init; } = 5;
    /// <summary>accuracy (classification; higher is better) or loss (validation yardstick; lower is better).</summary>
    public string Metric { get; init; } = "accuracy";
    /// <summary>Smallest change that counts as an improvement, &gt;= 0.</summary>
    public double MinDelta { get; init; }
}

/// <summary>One loss in the grid: a registry loss, its options, and how the model output and targets are adapted to it.</summary>
public sealed record LossEntryConfig
{
    /// <summary>Registry name (see <c>harness list losses</c>), or "builtin:cross-entropy" / "builtin:mse" etc. for libtorch's own.</summary>
    public string Loss { get; init; } = "";
    /// <summary>Name in tables, plots and run folders; empty: the loss name.</summary>
    public string DisplayName { get; init; } = "";
    /// <summary>Loss options (reduction, delta, label_smoothing, weight...), as in the registry.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
    /// <summary>none, sigmoid, softmax or log-softmax, applied to the model output before the loss; empty: what the loss expects.</summary>
    public string Activation { get; init; } = "";
    /// <summary>index, one-hot, plus-minus-one, zero-one or real; empty: what the loss expects.</summary>
    public string TargetEncoding { get; init; } = "";

    // Set by the validator only; a `with` copy keeps it, so the property checks it still belongs to this Loss and Options.
    (string Loss, LossEntryOptions Options)? resolved;

    /// <summary>
    /// The options resolved once against the loss, by <see cref="ConfigValidator"/>; null for an entry not validated, or
    /// changed since (another loss or other options). Not a config key: no file sets it and the resolved config writes
    /// its typed values under <see cref="Options"/>.
    /// </summary>
    [JsonIgnore]
    public LossEntryOptions? ResolvedOptions =>
        resolved is var (loss, options) && loss == Loss && ReferenceEquals(options.Given, Options) ? options : null;

    /// <summary>This entry carrying its resolved options (<paramref name="options"/> resolved from this entry's <see cref="Options"/>).</summary>
    internal LossEntryConfig WithResolvedOptions(LossEntryOptions options)
    {
        if (!ReferenceEquals(options.Given, Options)) throw new ArgumentException("The options were resolved from another entry's options.", nameof(options));
        var copy = this with { };
        copy.resolved = (Loss, options);
        return copy;
    }
}
