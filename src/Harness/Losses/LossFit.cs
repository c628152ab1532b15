using CustomLosses.Catalog;

namespace Harness.Losses;

/// <summary>
/// Why a loss entry cannot train on a dataset: the entry field at fault ("loss", "targetEncoding" or "activation") and
/// a message for the user.
/// </summary>
public sealed record LossFitProblem(string Field, string Message);

/// <summary>
/// The one answer to "can this loss train on this data, with this encoding", and the encoding and
/// activation a loss gets when the entry leaves them empty. Config validation asks it with the class count it knows
/// before loading (none for CSV files); binding asks it again with the loaded data's, and so covers what the first
/// could not see.
/// </summary>
public static class LossFit
{
    /// <summary>True when experiments can train the loss: one model output per sample against one target (two inputs, not embeddings).</summary>
    public static bool IsTrainable(LossSpec spec) => spec.Task != LossTask.Embedding && spec.InputCount == 2;

    /// <summary>Registry names of the losses experiments can train, in catalogue order.</summary>
    public static IEnumerable<string> TrainableLosses => LossRegistry.All.Where(IsTrainable).Select(s => s.Name);

    /// <summary>
    /// The first reason <paramref name="spec"/> cannot train on the data, or null.
    /// </summary>
    /// <param name="spec">The loss.</param>
    /// <param name="loss">The loss as the entry names it (canonical, "builtin:" included), for messages.</param>
    /// <param name="encoding">The entry's target encoding, or null for the loss's default.</param>
    /// <param name="regression">True when the dataset's targets are real values.</param>
    /// <param name="classes">The class count, or null while it is unknown (regression, or a CSV file not yet read).</param>
    /// <param name="dataset">The dataset's name for messages ("digits", "csv (classification)"), or null.</param>
    public static LossFitProblem? Check(LossSpec spec, string loss, TargetEncodingKind? encoding,
        bool regression, int? classes, string? dataset)
    {
        string kind = regression ? "regression" : "classification";
        string data = dataset is null ? "the dataset" : $"dataset '{dataset}'";
        if (spec.Task == LossTask.Embedding)
            return new("loss", $"'{loss}' is an embedding loss (pairs or triplets of embeddings); the harness trains on {kind} targets of {data}. Valid: " +
                               "a regression, multi-class or binary loss (harness list losses).");
        if (spec.InputCount != 2)
            return new("loss", $"'{loss}' takes {spec.InputCount} inputs (pairs or triplets); " +
                               "experiments train single-output-per-sample models and support two-input losses only.");
        switch (spec.Task)
        {
            case LossTask.MultiClass or LossTask.BinaryOrMultiLabel when regression:
                return new("loss", $"'{loss}' is a classification loss ({TaskText(spec.Task)}) but {data} is regression; valid: " +
                                   $"a regression loss ({string.Join(", ", LossRegistry.All.Where(s => s.Task == LossTask.Regression).Select(s => s.Name))}).");
            case LossTask.Regression when regression:
                if (encoding is { } given && given != TargetEncodingKind.Real)
                    return new("targetEncoding", $"'{given.Name()}' does not apply to the real targets of regression {data}; valid: real, or empty.");
                return null;
            case LossTask.Regression:
                // A regression loss on class labels: the user must say how labels become real targets.
                if (encoding is null or TargetEncodingKind.Index)
                    return new("targetEncoding",
                        (encoding is null ? "missing" : "'index' does not fit") +
                        $": regression loss '{loss}' on classification {data} needs an explicit target encoding; " +
                        "valid: one-hot (e.g. with activation softmax: \"MSE on softmax against one-hot\"), or plus-minus-one/zero-one (2 classes only)." +
                        (dataset?.StartsWith("csv", StringComparison.Ordinal) == true
                            ? " If the target column holds real values, set dataset.csv.task to \"regression\" instead."
                            : ""));
                break;
        }
        var effective = encoding ?? DefaultEncoding(spec, regression);
        if (effective is null)
            return new("targetEncoding",
                $"'{loss}' expects {spec.Target} targets and {data} has class labels; set targetEncoding " +
                "(for example \"one-hot\" with activation \"softmax\" for MSE on softmax against one-hot).");
        // Binary encodings (one output per sample) need exactly two classes.
        if (effective.Value.IsSingleOutput() && classes is int n && n != 2)
            return new(encoding is null ? "loss" : "targetEncoding",
                $"'{loss}' with {effective.Value.Name()} targets needs exactly 2 classes, but {data} has {n} classes; valid: " +
                $"a 2-class dataset (breast-cancer, synthetic-blobs or csv with 2 classes), targetEncoding one-hot (one-vs-rest over the {n} classes), " +
                "or a multi-class loss.");
        return null;
    }

    /// <summary>
    /// The reason the effective encoding and activation cannot make a model head, or null. Config validation and
    /// binding both ask it, so an entry that could never bind is refused before anything runs.
    /// </summary>
    public static LossFitProblem? CheckHead(TargetEncodingKind encoding, OutputActivation activation, bool regression)
    {
        if (!regression && encoding == TargetEncodingKind.Real)
            return new("targetEncoding", "targetEncoding 'real' needs a regression dataset; for class labels use one-hot, index, zero-one or plus-minus-one.");
        if (!regression && encoding.IsSingleOutput() && activation is OutputActivation.Softmax or OutputActivation.LogSoftmax)
            return new("activation", $"{activation.Name()} over a single output unit is constant; use sigmoid or none with {encoding.Name()} targets.");
        return null;
    }

    /// <summary>The target encoding a loss gets when the entry gives none; null when it has no default for class labels.</summary>
    public static TargetEncodingKind? DefaultEncoding(LossSpec spec, bool regression) => regression
        ? TargetEncodingKind.Real
        : spec.Target switch
        {
            TargetEncoding.ClassIndex or TargetEncoding.ClassIndexOrProbabilities => TargetEncodingKind.Index,
            TargetEncoding.Probabilities => TargetEncodingKind.OneHot,
            TargetEncoding.ClassIndexList => TargetEncodingKind.IndexList,
            TargetEncoding.ZeroOne => TargetEncodingKind.ZeroOne,
            TargetEncoding.PlusMinusOne => TargetEncodingKind.PlusMinusOne,
            _ => null,
        };

    /// <summary>The activation a loss gets when the entry gives none: what its expected model output implies.</summary>
    public static OutputActivation DefaultActivation(LossSpec spec) => spec.ExpectedOutput switch
    {
        ModelOutput.Probabilities => spec.Task == LossTask.MultiClass ? OutputActivation.Softmax : OutputActivation.Sigmoid,
        ModelOutput.LogProbabilities => OutputActivation.LogSoftmax,
        _ => OutputActivation.None,
    };

    static string TaskText(LossTask t) => t switch
    {
        LossTask.MultiClass => "multi-class",
        LossTask.BinaryOrMultiLabel => "binary/multi-label",
        _ => t.ToString().ToLowerInvariant(),
    };
}
