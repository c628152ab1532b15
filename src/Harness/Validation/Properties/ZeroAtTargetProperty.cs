using CustomLosses;
using static TorchSharp.torch;

namespace Harness.Validation.Properties;

/// <summary>
/// For a loss whose spec declares <c>ZeroAtTarget</c> (MSE, L1, Huber...): with the prediction set to the target, every
/// reduction gives zero (within the dtype's absolute floor), and predictions moved off the target by random amounts
/// give no element below it. A constant offset, or a term that does not vanish at the target, fails. Losses that do not
/// declare it (a likelihood's minimum depends on the target) are left out, saying so.
/// </summary>
public static class ZeroAtTargetProperty
{
    const ValidationCheckKind Kind = ValidationCheckKind.ZeroAtTarget;

    /// <summary>Relative sizes of the moves off the target: large and small.</summary>
    static readonly double[] Moves = [1.0, 1e-3];

    /// <summary>Checks <paramref name="run"/>.</summary>
    public static void Check(CaseRun run)
    {
        if (run.Spec is not { ZeroAtTarget: true })
        {
            run.Skipped(Kind, "the spec does not declare ZeroAtTarget");
            return;
        }
        var inputs = run.Inputs;
        if (inputs.Length < 2 || !inputs[0].is_floating_point() || !inputs[1].is_floating_point() || !inputs[0].shape.SequenceEqual(inputs[1].shape))
        {
            run.Skipped(Kind, "the target is not a real tensor shaped like the prediction");
            return;
        }
        run.Applied(Kind);
        var atTarget = inputs.ToArray();
        atTarget[0] = inputs[1].clone();
        var floor = run.Tolerance.Absolute;
        foreach (var reduction in run.Case.Reductions)
        {
            var (values, _) = run.Values(atTarget, reduction);
            var worst = values.Select((v, i) => (v, i)).MaxBy(p => double.IsNaN(p.v) ? double.PositiveInfinity : Math.Abs(p.v));
            if (!(Math.Abs(worst.v) <= floor))
                run.Fail(Kind, reduction, $"{reduction.ToString().ToLowerInvariant()} where the prediction equals the target", Math.Abs(worst.v),
                    $"element {worst.i}: {worst.v:R}, expected 0 (within {floor:G2})");
        }

        var (zero, zeroShape) = run.Values(atTarget, nn.Reduction.None);
        using var generator = new Generator((ulong)(run.Seed + 7919 * run.Index));
        foreach (var size in Moves)
        {
            var move = randn(inputs[1].shape, dtype: ScalarType.Float64, generator: generator)
                .mul(inputs[1].detach().to(ScalarType.Float64).cpu().abs().clamp_min(CachedScalars.One))
                .mul(CachedScalars.Of(size)).to(inputs[1].dtype).to(run.Device);
            var moved = inputs.ToArray();
            moved[0] = inputs[1].add(move, CachedScalars.One);
            var (values, shape) = run.Values(moved, nn.Reduction.None);
            if (!shape.SequenceEqual(zeroShape)) continue;
            for (int i = 0; i < values.Length; i++)
                if (!(values[i] >= zero[i] - floor))
                {
                    run.Fail(Kind, nn.Reduction.None, $"none at predictions moved off the target (by {size:G2} x max(1, |target|))",
                        zero[i] - values[i], $"element {i}: {values[i]:R} below the value at the target, {zero[i]:R}");
                    return;
                }
        }
    }
}
