using CustomLosses;
using CustomLosses.Catalog;
using static Harness.Validation.Checks.Binary.BinaryCheckMath;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.Binary;

/// <summary>BCE against <c>binary_cross_entropy</c> and -w (y max(log x, -100) + (1 - y) max(log(1 - x), -100)).</summary>
public sealed class BceCheck : LossCheck
{
    public override string LossName => "bce";

    // 0/1 targets are not differentiated: a finite-difference step would leave [0, 1] (an error in PyTorch too).
    static readonly bool[] InputOnly = [true, false];

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        foreach (long[] shape in new long[][] { [7], [4, 5], [2, 3, 4] })
            yield return new LossCase($"random {Format(shape)}", LossOptions.Empty,
                [CaseInputs.OpenProbabilities(g, shape), CaseInputs.ZeroOne(g, shape)], InputOnly);
        yield return new LossCase("soft targets [4,5]", LossOptions.Empty,
            [CaseInputs.OpenProbabilities(g, [4, 5]), CaseInputs.Uniform(g, [4, 5], 0.05, 0.95)]);
        yield return new LossCase("weight [4,5]", LossOptions.Of(("weight", new[] { 0.3, 2.0, 0.0, 1.2, -0.5 })),
            [CaseInputs.OpenProbabilities(g, [4, 5]), CaseInputs.ZeroOne(g, [4, 5])], InputOnly);
        yield return new LossCase("weight, soft targets [2,3,4]", LossOptions.Of(("weight", new[] { 0.5, 1.5, 2.5, 1.0 })),
            [CaseInputs.OpenProbabilities(g, [2, 3, 4]), CaseInputs.Uniform(g, [2, 3, 4], 0.05, 0.95)]);
        yield return new LossCase("single weight broadcast [3,4]", LossOptions.Of(("weight", new[] { 1.7 })),
            [CaseInputs.OpenProbabilities(g, [3, 4]), CaseInputs.ZeroOne(g, [3, 4])], InputOnly);
        yield return new LossCase("batch of one [1,3]", LossOptions.Of(("weight", new[] { 1.0, 0.5, 2.0 })),
            [CaseInputs.OpenProbabilities(g, [1, 3]), CaseInputs.ZeroOne(g, [1, 3])], InputOnly);
        yield return new LossCase("near-saturated probabilities", LossOptions.Empty,
            [T([1e-9, 1 - 1e-9, 1e-6, 1 - 1e-6, 0.5, 1e-9], 6), T([1, 0, 0, 1, 1, 0], 6)], InputOnly, hard: true, smooth: false);
        // log x and log(1 - x) clamp at -100 here; the gradient is PyTorch's w (x - y) / max(x (1 - x), 1e-12).
        // The target gradient is not compared: PyTorch's -w logit(x) is infinite at x = 0 and 1.
        yield return new LossCase("probabilities exactly 0 and 1", LossOptions.Empty,
            [T([0, 0, 1, 1, 0, 1, 0.5, 0.25], 8), T([0, 1, 0, 1, 1, 0, 1, 0.5], 8)], InputOnly, hard: true, smooth: false);
        yield return new LossCase("probabilities 0 and 1, weight [2,4]", LossOptions.Of(("weight", new[] { 2.0, 0.5, 1.0, 3.0 })),
            [T([0, 0, 1, 1, 1, 1, 0, 0], 2, 4), T([0, 1, 0, 1, 1, 0, 0, 1], 2, 4)], InputOnly, hard: true, smooth: false);
        yield return new LossCase("batch of one, probability 1", LossOptions.Empty,
            [T([1.0], 1), T([0.0], 1)], InputOnly, hard: true, smooth: false);
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        var w = Vector(c, "weight");
        var l = new double[x[0].Count];
        for (int i = 0; i < l.Length; i++)
        {
            double p = x[0][i], y = x[1][i];
            double logP = Math.Max(Math.Log(p), -100), log1mP = Math.Max(Log1p(-p), -100);
            l[i] = -LastDim(w, x[0], i) * (y * logP + (1 - y) * log1mP);
        }
        return Reduce(l, r);
    }
}
