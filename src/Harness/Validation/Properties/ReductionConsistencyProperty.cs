using static TorchSharp.torch;

namespace Harness.Validation.Properties;

/// <summary>
/// The three reductions agree: reduction sum is the sum of reduction none, and reduction mean is that sum divided by
/// the number of elements of reduction none, where the loss's mean is that plain mean (see
/// <see cref="LossCheck.NonPlainMean"/>: PyTorch's weighted cross-entropy and NLL divide by the summed weights, kl-div's
/// batchmean by the batch size). A mean divided by the wrong count, or a sum that forgets an element, passes a value
/// check only when there is no twin or formula to compare with; this catches it there as well.
/// </summary>
public static class ReductionConsistencyProperty
{
    static readonly nn.Reduction[] Three = [nn.Reduction.None, nn.Reduction.Mean, nn.Reduction.Sum];

    /// <summary>Checks both properties on <paramref name="run"/>.</summary>
    public static void Check(CaseRun run)
    {
        if (!Three.All(run.Case.Reductions.Contains))
        {
            var reason = $"the case tests only reduction {string.Join(", ", run.Case.Reductions.Select(r => r.ToString().ToLowerInvariant()))}";
            run.Skipped(ValidationCheckKind.SumOfNone, reason);
            run.Skipped(ValidationCheckKind.MeanOfNone, reason);
            return;
        }
        var (none, _) = run.Values(run.Inputs, nn.Reduction.None);
        var (mean, _) = run.Values(run.Inputs, nn.Reduction.Mean);
        var (sum, _) = run.Values(run.Inputs, nn.Reduction.Sum);
        if (none.Length == 0)
        {
            run.Skipped(ValidationCheckKind.SumOfNone, "reduction none gives no elements");
            run.Skipped(ValidationCheckKind.MeanOfNone, "reduction none gives no elements");
            return;
        }
        double total = none.Sum();
        double magnitude = none.Sum(Math.Abs);

        run.Applied(ValidationCheckKind.SumOfNone);
        Compare(run, ValidationCheckKind.SumOfNone, nn.Reduction.Sum, sum, total, magnitude, "sum vs the sum of reduction none");

        if (run.Check.NonPlainMean(run.Case) is { } why)
        {
            run.Skipped(ValidationCheckKind.MeanOfNone, why);
            return;
        }
        run.Applied(ValidationCheckKind.MeanOfNone);
        Compare(run, ValidationCheckKind.MeanOfNone, nn.Reduction.Mean, mean, total / none.Length, magnitude / none.Length,
            $"mean vs the sum of reduction none / {none.Length}");
    }

    static void Compare(CaseRun run, ValidationCheckKind kind, nn.Reduction reduction, double[] actual, double expected, double magnitude, string what)
    {
        if (actual.Length != 1)
        {
            run.Fail(kind, reduction, what, double.PositiveInfinity,
                $"reduction {reduction.ToString().ToLowerInvariant()} gives {actual.Length} values, not one");
            return;
        }
        var error = run.Tolerance.Error(actual[0], expected, magnitude);
        if (!run.Tolerance.Accepts(error))
            run.Fail(kind, reduction, what, error, $"custom {actual[0]:R}, from reduction none {expected:R}");
    }
}
