using static TorchSharp.torch;

namespace Harness.Validation.Properties;

/// <summary>
/// On finite inputs a loss gives finite values, and finite gradients wherever its value is finite. An element that is not
/// finite is excused only where what the loss is compared with (its formula, or its twin without one) is not finite
/// either: PyTorch defines some (a mean over no targets is 0/0). Without either, nothing is excused. This is what a
/// loss with neither twin nor formula has instead of a value check, and it catches an overflow (exp of a large logit)
/// in float32 that a comparison in float64 would not see.
/// </summary>
public static class FiniteOutputProperty
{
    /// <summary>Checks one reduction's values and gradients of <paramref name="run"/>.</summary>
    public static void Check(CaseRun run, nn.Reduction reduction, double[] values, double[]? expected, IReadOnlyList<(int Input, double[] Gradient)> gradients)
    {
        const ValidationCheckKind kind = ValidationCheckKind.FiniteOutput;
        if (run.Host.Any(x => x.Data.Any(v => !double.IsFinite(v))))
        {
            run.Skipped(kind, "the inputs are not all finite");
            return;
        }
        run.Applied(kind);
        bool aligned = expected != null && expected.Length == values.Length;
        int excused = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsFinite(values[i])) continue;
            if (aligned && !double.IsFinite(expected![i])) { excused++; continue; }
            run.Fail(kind, reduction, "value is not finite on finite inputs", double.PositiveInfinity,
                $"element {i}: custom {values[i]:R}" +
                    (aligned ? $", expected {expected![i]:R}" : expected == null ? " (no twin or formula to excuse it)" : ""));
            return;
        }
        if (excused > 0)
        {
            run.Note(kind, "values not finite where the formula or twin is not either (excused)");
            return;
        }
        foreach (var (input, gradient) in gradients)
            for (int i = 0; i < gradient.Length; i++)
                if (!double.IsFinite(gradient[i]))
                {
                    run.Fail(kind, reduction, $"gradient of input {input} is not finite where the value is", double.PositiveInfinity,
                        $"element {i}: gradient {gradient[i]:R}");
                    return;
                }
    }
}
