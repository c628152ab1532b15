using CustomLosses;
using Harness.Data;
using Harness.Metrics;
using Harness.Metrics.Calibration;
using static TorchSharp.torch;

namespace Harness.Training;

/// <summary>What evaluating a model on one split gives.</summary>
/// <param name="Confusion">Classification: the confusion matrix (null for regression).</param>
/// <param name="Regression">Regression: RMSE/MAE/R^2 in original units (null for classification).</param>
/// <param name="Yardstick">Softmax cross-entropy (classification) or MSE in original units (regression): independent of the training loss.</param>
/// <param name="Calibration">Classification: NLL, Brier, ECEs and reliability bins of the softmax of the class logits (null for regression).</param>
public sealed record SplitEvaluation(ConfusionMatrix? Confusion, RegressionMetrics? Regression, double Yardstick, CalibrationMetrics? Calibration = null);

/// <summary>Evaluates a model on a split in chunks, without gradients, in eval mode.</summary>
public static class Evaluator
{
    /// <summary>
    /// Samples per forward pass. Small enough that a CNN's activations stay in cache: the harness's small CNN evaluated
    /// 4096 Fashion-MNIST images 2.2x faster in chunks of 256 than of 4096 (its first feature map is 100 KB per image);
    /// the MLP was as fast either way.
    /// </summary>
    const long ChunkSize = 256;

    /// <summary>Evaluates; returns null for an empty split.</summary>
    /// <param name="model">The model (put in eval mode here).</param>
    /// <param name="binding">The loss bound to the data (task, class count, predictions, logits).</param>
    /// <param name="features">The split's features.</param>
    /// <param name="targets">The split's targets.</param>
    /// <param name="targetMean">Regression: the target's training mean (metrics in original units).</param>
    /// <param name="targetStd">Regression: the target's training std.</param>
    /// <param name="calibration">Classification: compute <see cref="SplitEvaluation.Calibration"/> (false leaves it null).
    /// The epoch loop reports calibration on the test split only: the host-side softmax, binning and sort of a split that
    /// nothing reads were a large part of a small model's evaluation (docs/performance.md, "Where a small grid's time goes").</param>
    public static SplitEvaluation? Evaluate(nn.Module<Tensor, Tensor> model, LossBinding binding, Tensor features, Tensor targets,
        double targetMean, double targetStd, bool calibration = true)
    {
        long n = features.shape[0];
        if (n == 0) return null;
        model.eval();
        using var noGrad = no_grad();
        var classification = binding.Task == TaskKind.Classification;
        var confusion = classification ? new ConfusionMatrix(binding.ClassCount) : null;
        var calibrationSum = classification && calibration ? new CalibrationAccumulator() : null;
        var regression = classification ? null : new RegressionMetrics();
        double yardstickSum = 0;
        // Kept scalars, not double operands (see CachedScalars); a + b and square() would pass hidden temporaries too.
        var (std, mean, two) = (CachedScalars.Of(targetStd), CachedScalars.Of(targetMean), CachedScalars.Of(2L));
        for (long start = 0; start < n; start += ChunkSize)
        {
            using var scope = NewDisposeScope();
            long len = Math.Min(ChunkSize, n - start);
            var x = features.narrow(0, start, len);
            var y = targets.narrow(0, start, len);
            var raw = model.call(x);
            if (classification)
            {
                confusion!.Add(y, binding.PredictClasses(raw));
                var logits = binding.ClassLogits(raw).to(ScalarType.Float64);
                yardstickSum += nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).item<double>();
                calibrationSum?.Add(Host<double>(logits), Host<long>(y), (int)logits.size(1));
            }
            else
            {
                // Metrics in the target's original units.
                var prediction = (binding.Shape(raw).to(ScalarType.Float64) * std).add(mean, CachedScalars.One);
                var truth = (y.to(ScalarType.Float64) * std).add(mean, CachedScalars.One);
                var error = prediction - truth;
                var squared = error.pow(two).sum().item<double>();
                regression!.Add(squared, error.abs().sum().item<double>(), truth.sum().item<double>(), truth.pow(two).sum().item<double>(), len);
                yardstickSum += squared;
            }
        }
        return new SplitEvaluation(confusion, regression, yardstickSum / n, calibrationSum?.Compute());
    }

    /// <summary>
    /// A classification split's class logits (float64, row-major [N, C]) and labels on the host, for fitting and applying a
    /// temperature; null for an empty split.
    /// </summary>
    public static (double[] Logits, long[] Labels, int Classes)? ClassLogits(
        nn.Module<Tensor, Tensor> model, LossBinding binding, Tensor features, Tensor targets)
    {
        long n = features.shape[0];
        if (n == 0) return null;
        model.eval();
        using var noGrad = no_grad();
        var logits = new List<double>();
        var labels = new List<long>();
        int classes = 0;
        for (long start = 0; start < n; start += ChunkSize)
        {
            using var scope = NewDisposeScope();
            long len = Math.Min(ChunkSize, n - start);
            var chunk = binding.ClassLogits(model.call(features.narrow(0, start, len))).to(ScalarType.Float64);
            classes = (int)chunk.size(1);
            logits.AddRange(Host<double>(chunk));
            labels.AddRange(Host<long>(targets.narrow(0, start, len)));
        }
        return (logits.ToArray(), labels.ToArray(), classes);
    }

    /// <summary>A tensor's values on the host, row-major.</summary>
    static T[] Host<T>(Tensor t) where T : unmanaged
    {
        using var cpu = t.to(CPU).contiguous();
        return cpu.data<T>().ToArray();
    }
}
