using Harness.Data;
using Harness.Losses;

namespace Harness.Config;

/// <summary>
/// The fixed sets of names a configuration may use, in one place, so the validator, the schema test and the error
/// messages agree. Model and optimizer names live here (the factories in Models and Training read them; Config
/// depends on no training code); dataset facts come from <see cref="DatasetCatalog"/>, loss-entry spellings and
/// built-in twins from <see cref="Harness.Losses"/>.
/// </summary>
public static class ConfigVocabulary
{
    /// <summary>Dataset names.</summary>
    public static readonly IReadOnlyList<string> Datasets = DatasetCatalog.Names;
    /// <summary>Model kinds (built by Models.ModelFactory).</summary>
    public static readonly IReadOnlyList<string> ModelKinds = ["linear", "mlp", "cnn"];
    /// <summary>Datasets a CNN can take (images).</summary>
    public static readonly IReadOnlyList<string> ImageDatasets = DatasetCatalog.ImageNames;
    /// <summary>Hidden-layer activations of the MLP (built by Models.ModelFactory).</summary>
    public static readonly IReadOnlyList<string> ModelActivations = ["relu", "tanh", "gelu", "sigmoid"];
    /// <summary>Optimizers (built by Training.OptimizerFactory).</summary>
    public static readonly IReadOnlyList<string> Optimizers = ["sgd", "adam", "adamw", "rmsprop"];
    /// <summary>Learning-rate schedules (built by Training.OptimizerFactory).</summary>
    public static readonly IReadOnlyList<string> Schedules = ["none", "step", "cosine"];
    /// <summary>Devices.</summary>
    public static readonly IReadOnlyList<string> Devices = ["cpu", "cuda", "auto"];
    /// <summary>Activations applied to the model output before a loss.</summary>
    public static readonly IReadOnlyList<string> OutputActivations = Losses.OutputActivations.Names;
    /// <summary>Target encodings.</summary>
    public static readonly IReadOnlyList<string> TargetEncodings = Losses.TargetEncodings.Names;
    /// <summary>CSV dataset tasks.</summary>
    public static readonly IReadOnlyList<string> CsvTasks = ["classification", "regression"];
    /// <summary>Label-noise kinds.</summary>
    public static readonly IReadOnlyList<string> LabelNoiseKinds = ["symmetric", "class-dependent"];
    /// <summary>Whether corruptions reach the validation split.</summary>
    public static readonly IReadOnlyList<string> CorruptionValidation = ["clean", "corrupted"];
    /// <summary>Test metrics the verdict can rank classification losses by (the first is the default).</summary>
    public static readonly IReadOnlyList<string> ClassificationRankMetrics = Metrics.ScoreMetric.For(classification: true).Select(m => m.Key).ToList();
    /// <summary>Test metrics the verdict can rank regression losses by (the first is the default).</summary>
    public static readonly IReadOnlyList<string> RegressionRankMetrics = Metrics.ScoreMetric.For(classification: false).Select(m => m.Key).ToList();
    /// <summary>Early-stopping metrics.</summary>
    public static readonly IReadOnlyList<string> EarlyStoppingMetrics = ["accuracy", "loss"];

    /// <summary>Registry losses that also exist as a libtorch module, usable as "builtin:&lt;name&gt;".</summary>
    public static readonly IReadOnlyList<string> BuiltInLosses = BuiltInTwins.OfferedForTraining;

    /// <summary>Prefix that selects libtorch's own loss module instead of the custom one.</summary>
    public const string BuiltInPrefix = LossReference.BuiltInPrefix;

    internal static bool Is(string? a, string b) => string.Equals(a?.Trim(), b, StringComparison.OrdinalIgnoreCase);

    internal static bool In(string? value, IReadOnlyList<string> names) => names.Any(n => Is(value, n));
}
