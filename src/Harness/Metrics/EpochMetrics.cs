namespace Harness.Metrics;

/// <summary>
/// Everything logged for one epoch of one run (one row of metrics.csv). Classification fields are null for
/// regression and vice versa.
/// </summary>
public sealed record EpochMetrics
{
    /// <summary>1-based epoch.</summary>
    public required int Epoch { get; init; }
    /// <summary>Mean training loss (the loss being optimized), weighted by batch size.</summary>
    public required double TrainLoss { get; init; }
    /// <summary>Training accuracy over the epoch's batches (model in training mode, as Keras reports it).</summary>
    public double? TrainAccuracy { get; init; }
    /// <summary>Validation accuracy.</summary>
    public double? ValidationAccuracy { get; init; }
    /// <summary>Test accuracy.</summary>
    public double? TestAccuracy { get; init; }
    /// <summary>Test balanced accuracy (mean per-class recall).</summary>
    public double? TestBalancedAccuracy { get; init; }
    /// <summary>Test macro-F1.</summary>
    public double? TestMacroF1 { get; init; }
    /// <summary>Validation RMSE (regression, original units).</summary>
    public double? ValidationRmse { get; init; }
    /// <summary>Test RMSE.</summary>
    public double? TestRmse { get; init; }
    /// <summary>Test MAE.</summary>
    public double? TestMae { get; init; }
    /// <summary>Test R^2.</summary>
    public double? TestR2 { get; init; }
    /// <summary>Loss-independent yardstick on the validation set: softmax cross-entropy (classification) or MSE (regression).</summary>
    public double? ValidationYardstick { get; init; }
    /// <summary>The same yardstick on the test set (for classification: the test NLL).</summary>
    public required double TestYardstick { get; init; }
    /// <summary>Test Brier score (classification).</summary>
    public double? TestBrier { get; init; }
    /// <summary>Test expected calibration error, 15 equal-width bins (classification).</summary>
    public double? TestEce { get; init; }
    /// <summary>Test ECE over 15 equal-mass bins (classification).</summary>
    public double? TestAdaptiveEce { get; init; }
    /// <summary>Test classwise ECE (classification).</summary>
    public double? TestClasswiseEce { get; init; }
    /// <summary>Learning rate used in this epoch.</summary>
    public required double LearningRate { get; init; }
    /// <summary>Mean global gradient norm (before clipping) over every step when clipping, else over every 8th step.</summary>
    public required double MeanGradientNorm { get; init; }
    /// <summary>Wall time of the epoch's training steps and evaluation.</summary>
    public required double EpochSeconds { get; init; }
    /// <summary>Training samples per second (training steps only).</summary>
    public required double SamplesPerSecond { get; init; }
    /// <summary>
    /// Wall time of the epoch's forward passes with the loss, backward passes (gradient clipping included when configured),
    /// optimizer steps (zero_grad included) and the release of each step's tensors at its end: the work any training loop
    /// does. <see cref="EpochSeconds"/> minus this
    /// and <see cref="EvaluationSeconds"/> is the harness's overhead: <see cref="DataSeconds"/> plus its bookkeeping (loss
    /// read-back, training accuracy, gradient-norm sampling, observers). On CUDA, kernels run asynchronously, so there this
    /// is mostly their launch time and the wait lands at the next synchronization (the loss read-back). 0 in epochs
    /// checkpointed by a harness that did not measure it.
    /// </summary>
    public double ComputeSeconds { get; init; }
    /// <summary>Wall time of the epoch's mini-batch slicing (gathering each batch's features and targets).</summary>
    public double DataSeconds { get; init; }
    /// <summary>Wall time of the epoch's validation and test evaluation (part of <see cref="EpochSeconds"/>).</summary>
    public double EvaluationSeconds { get; init; }
    /// <summary>SHA-256 prefix of this epoch's sample order: equal across losses of one seed.</summary>
    public required string BatchOrderHash { get; init; }

    /// <summary>
    /// The metric that measures progress: validation accuracy (classification) or validation RMSE (regression); NaN
    /// without a validation split. Never the test set: whatever reads this may choose on it.
    /// </summary>
    public double ProgressMetric(bool classification) => (classification ? ValidationAccuracy : ValidationRmse) ?? double.NaN;
}
