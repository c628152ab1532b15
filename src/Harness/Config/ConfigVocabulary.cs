namespace Harness.Config;

/// <summary>
/// The fixed sets of names a configuration may use (each owned by the code that implements it), and what the configuration layer knows about each
/// dataset before loading it (its task and class count). One place, so the validator, the schema test
/// and the error messages agree.
/// </summary>
public static class ConfigVocabulary
{
    /// <summary>Dataset names.</summary>
    public static readonly IReadOnlyList<string> Datasets = Data.DatasetLoader.Names;
    /// <summary>Model kinds.</summary>
    public static readonly IReadOnlyList<string> ModelKinds = Models.ModelFactory.Kinds;
    /// <summary>Datasets a CNN can take (images).</summary>
    public static readonly IReadOnlyList<string> ImageDatasets = ["fashion-mnist", "mnist"];
    /// <summary>Hidden-layer activations of the MLP.</summary>
    public static readonly IReadOnlyList<string> ModelActivations = Models.ModelFactory.Activations;
    /// <summary>Optimizers.</summary>
    public static readonly IReadOnlyList<string> Optimizers = Training.OptimizerFactory.Optimizers;
    /// <summary>Learning-rate schedules.</summary>
    public static readonly IReadOnlyList<string> Schedules = Training.OptimizerFactory.Schedules;
    /// <summary>Devices.</summary>
    public static readonly IReadOnlyList<string> Devices = ["cpu", "cuda", "auto"];
    /// <summary>Activations applied to the model output before a loss.</summary>
    public static readonly IReadOnlyList<string> OutputActivations = Training.OutputActivations.Names;
    /// <summary>Target encodings.</summary>
    public static readonly IReadOnlyList<string> TargetEncodings = Training.TargetEncodings.Names;
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
    public static readonly IReadOnlyList<string> BuiltInLosses = Training.BuiltInLossFactory.Supported;

    /// <summary>Prefix that selects libtorch's own loss module instead of the custom one.</summary>
    public const string BuiltInPrefix = Training.BuiltInLossFactory.Prefix;

    /// <summary>True when the dataset's targets are real values.</summary>
    public static bool IsRegression(DatasetConfig dataset) =>
        Is(dataset.Name, "diabetes") || Is(dataset.Name, "synthetic-regression") ||
        (Is(dataset.Name, "csv") && Is(dataset.Csv.Task, "regression"));

    /// <summary>Number of classes known before loading; null for regression and for CSV files (known only after loading).</summary>
    public static int? ClassCount(DatasetConfig dataset)
    {
        if (IsRegression(dataset)) return null;
        return dataset.Name.ToLowerInvariant() switch
        {
            "digits" or "fashion-mnist" or "mnist" => 10,
            "breast-cancer" => 2,
            "synthetic-blobs" => dataset.Synthetic.Classes,
            _ => null,
        };
    }

    /// <summary>Splits "builtin:huber" into (huber, true); other names into (name, false).</summary>
    public static (string RegistryName, bool BuiltIn) ParseLossName(string loss)
    {
        var trimmed = loss.Trim();
        return trimmed.StartsWith(BuiltInPrefix, StringComparison.OrdinalIgnoreCase)
            ? (trimmed[BuiltInPrefix.Length..].Trim(), true)
            : (trimmed, false);
    }

    internal static bool Is(string? a, string b) => string.Equals(a?.Trim(), b, StringComparison.OrdinalIgnoreCase);

    internal static bool In(string? value, IReadOnlyList<string> names) => names.Any(n => Is(value, n));
}
