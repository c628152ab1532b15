using CustomLosses;
using static TorchSharp.torch;

namespace Harness.Metrics;

/// <summary>
/// Counts of (true class, predicted class) pairs, and the metrics that accuracy alone hides on imbalanced data:
/// balanced accuracy (mean per-class recall) and macro-F1.
/// </summary>
public sealed class ConfusionMatrix
{
    readonly long[,] counts;

    /// <summary>An empty matrix for <paramref name="classes"/> classes.</summary>
    public ConfusionMatrix(int classes) => counts = new long[classes, classes];

    /// <summary>Number of classes.</summary>
    public int Classes => counts.GetLength(0);

    /// <summary>Samples counted.</summary>
    public long Total { get; private set; }

    /// <summary>Count of samples of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    public long this[int actual, int predicted] => counts[actual, predicted];

    /// <summary>Adds a batch of int64 targets and predictions (any device), with one bincount on the device.</summary>
    public void Add(Tensor targets, Tensor predictions)
    {
        using var scope = NewDisposeScope();
        var c = Classes;
        // Kept scalars (see CachedScalars): c * ... and a + b would each pass a temporary Scalar.
        var flat = (targets.to(ScalarType.Int64) * CachedScalars.Of((long)c)).add(predictions.to(ScalarType.Int64), CachedScalars.One)
            .bincount(null, c * c).cpu();
        var values = flat.data<long>().ToArray();
        for (int i = 0; i < c * c; i++) counts[i / c, i % c] += values[i];
        Total += targets.shape[0];
    }

    /// <summary>Fraction predicted correctly (NaN when empty).</summary>
    public double Accuracy
    {
        get
        {
            long correct = 0;
            for (int i = 0; i < Classes; i++) correct += counts[i, i];
            return Total == 0 ? double.NaN : (double)correct / Total;
        }
    }

    /// <summary>Recall of each class (NaN for a class with no samples).</summary>
    public double[] Recall()
    {
        var recall = new double[Classes];
        for (int i = 0; i < Classes; i++)
        {
            long row = 0;
            for (int j = 0; j < Classes; j++) row += counts[i, j];
            recall[i] = row == 0 ? double.NaN : (double)counts[i, i] / row;
        }
        return recall;
    }

    /// <summary>Mean recall over the classes that have samples.</summary>
    public double BalancedAccuracy
    {
        get
        {
            var present = Recall().Where(r => !double.IsNaN(r)).ToArray();
            return present.Length == 0 ? double.NaN : present.Average();
        }
    }

    /// <summary>Unweighted mean of per-class F1 over the classes that have samples (F1 = 0 when nothing is predicted as it).</summary>
    public double MacroF1
    {
        get
        {
            var scores = new List<double>();
            for (int k = 0; k < Classes; k++)
            {
                long tp = counts[k, k], actual = 0, predicted = 0;
                for (int j = 0; j < Classes; j++) { actual += counts[k, j]; predicted += counts[j, k]; }
                if (actual == 0) continue;
                scores.Add(tp == 0 ? 0 : 2.0 * tp / (actual + predicted));
            }
            return scores.Count == 0 ? double.NaN : scores.Average();
        }
    }
}
