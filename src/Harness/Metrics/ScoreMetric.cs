namespace Harness.Metrics;

/// <summary>
/// A per-epoch test metric that losses can be ranked by: its config key (<c>rankBy</c>), its words in reports, the
/// metrics.csv column that holds it, and its direction. One home for these facts, read by the summaries, the report
/// and the config validator.
/// </summary>
/// <param name="Key">Config spelling, e.g. "balanced-accuracy".</param>
/// <param name="Label">Words in reports, e.g. "balanced accuracy".</param>
/// <param name="Column">The metrics.csv column.</param>
/// <param name="HigherIsBetter">Direction.</param>
public sealed record ScoreMetric(string Key, string Label, string Column, bool HigherIsBetter)
{
    /// <summary>Top-1 accuracy.</summary>
    public static readonly ScoreMetric Accuracy = new("accuracy", "accuracy", "test_accuracy", true);
    /// <summary>Mean per-class recall.</summary>
    public static readonly ScoreMetric BalancedAccuracy = new("balanced-accuracy", "balanced accuracy", "test_balanced_accuracy", true);
    /// <summary>Unweighted mean of per-class F1.</summary>
    public static readonly ScoreMetric MacroF1 = new("macro-f1", "macro-F1", "test_macro_f1", true);
    /// <summary>Negative log-likelihood of the softmax of the class logits (the classification yardstick).</summary>
    public static readonly ScoreMetric Nll = new("nll", "NLL", "test_yardstick", false);
    /// <summary>Expected calibration error, 15 equal-width bins of the top-label confidence.</summary>
    public static readonly ScoreMetric Ece = new("ece", "ECE", "test_ece", false);
    /// <summary>ECE over 15 equal-mass bins.</summary>
    public static readonly ScoreMetric AdaptiveEce = new("adaptive-ece", "adaptive ECE", "test_adaptive_ece", false);
    /// <summary>Classwise ECE (mean over classes of each class's probability calibration).</summary>
    public static readonly ScoreMetric ClasswiseEce = new("classwise-ece", "classwise ECE", "test_classwise_ece", false);
    /// <summary>Multi-class Brier score.</summary>
    public static readonly ScoreMetric Brier = new("brier", "Brier score", "test_brier", false);
    /// <summary>Root mean squared error in the target's units.</summary>
    public static readonly ScoreMetric Rmse = new("rmse", "RMSE", "test_rmse", false);
    /// <summary>Mean absolute error in the target's units.</summary>
    public static readonly ScoreMetric Mae = new("mae", "MAE", "test_mae", false);

    /// <summary>The metrics of a task, the default ranking metric first.</summary>
    public static IReadOnlyList<ScoreMetric> For(bool classification) => classification
        ? [Accuracy, BalancedAccuracy, MacroF1, Nll, Ece, AdaptiveEce, ClasswiseEce, Brier]
        : [Rmse, Mae];

    /// <summary>The metric with this key for the task; the task's default for an empty or unknown key.</summary>
    public static ScoreMetric Find(string? key, bool classification)
    {
        var all = For(classification);
        return all.FirstOrDefault(m => string.Equals(m.Key, key?.Trim(), StringComparison.OrdinalIgnoreCase)) ?? all[0];
    }

    /// <summary>The better of two values (NaN never wins).</summary>
    public bool Better(double a, double b) => !double.IsNaN(a) && (double.IsNaN(b) || (HigherIsBetter ? a > b : a < b));
}
