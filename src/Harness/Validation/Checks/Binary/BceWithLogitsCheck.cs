using CustomLosses;
using CustomLosses.Catalog;
using static Harness.Validation.Checks.Binary.BinaryCheckMath;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.Binary;

/// <summary>BCE with logits against <c>binary_cross_entropy_with_logits</c> and -w [p y log σ(x) + (1 - y) log σ(-x)].</summary>
public sealed class BceWithLogitsCheck : LossCheck
{
    public override string LossName => "bce-with-logits";

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        foreach (long[] shape in new long[][] { [7], [4, 5], [2, 3, 4] })
            yield return new LossCase($"random {Format(shape)}", LossOptions.Empty,
                [CaseInputs.Normal(g, shape, 2.0), CaseInputs.ZeroOne(g, shape)]);
        yield return new LossCase("soft targets [4,5]", LossOptions.Empty,
            [CaseInputs.Normal(g, [4, 5], 2.0), CaseInputs.Uniform(g, [4, 5], 0, 1)]);
        yield return new LossCase("weight [4,5]", LossOptions.Of(("weight", new[] { 0.3, 2.0, 0.0, 1.2, -0.5 })),
            [CaseInputs.Normal(g, [4, 5], 2.0), CaseInputs.ZeroOne(g, [4, 5])]);
        yield return new LossCase("pos_weight [4,5]", LossOptions.Of(("pos_weight", new[] { 3.0, 0.0, 0.5, 1.0, 10.0 })),
            [CaseInputs.Normal(g, [4, 5], 2.0), CaseInputs.ZeroOne(g, [4, 5])]);
        yield return new LossCase("weight and pos_weight, soft targets [2,3,4]",
            LossOptions.Of(("weight", new[] { 0.5, 1.5, 2.5, 1.0 }), ("pos_weight", new[] { 2.0, 0.25, 1.0, 4.0 })),
            [CaseInputs.Normal(g, [2, 3, 4], 2.0), CaseInputs.Uniform(g, [2, 3, 4], 0, 1)]);
        yield return new LossCase("single pos_weight broadcast [3,4]", LossOptions.Of(("pos_weight", new[] { 2.5 })),
            [CaseInputs.Normal(g, [3, 4], 2.0), CaseInputs.ZeroOne(g, [3, 4])]);
        yield return new LossCase("batch of one [1,3]", LossOptions.Of(("pos_weight", new[] { 1.5, 0.5, 2.0 })),
            [CaseInputs.Normal(g, [1, 3], 2.0), CaseInputs.ZeroOne(g, [1, 3])]);
        double[] hardLogits = [100, -100, 1000, -1000, 100, -100, 1000, -1000];
        double[] hardTargets = [1, 1, 1, 1, 0, 0, 0, 0];
        yield return new LossCase("logits ±100, ±1000", LossOptions.Empty,
            [T(hardLogits, 8), T(hardTargets, 8)], hard: true);
        yield return new LossCase("logits ±100, ±1000, weight and pos_weight [2,4]",
            LossOptions.Of(("weight", new[] { 0.5, 2.0, 1.0, 3.0 }), ("pos_weight", new[] { 3.0, 0.5, 0.0, 2.0 })),
            [T(hardLogits, 2, 4), T(hardTargets, 2, 4)], hard: true);
        yield return new LossCase("logits ±1000, soft targets", LossOptions.Empty,
            [T([1000, -1000, 100, -100], 4), T([0.25, 0.75, 0.5, 0.1], 4)], hard: true);
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        var w = Vector(c, "weight");
        var pw = Vector(c, "pos_weight");
        var l = new double[x[0].Count];
        for (int i = 0; i < l.Length; i++)
        {
            double z = x[0][i], y = x[1][i];
            double p = LastDim(pw, x[0], i);
            l[i] = -LastDim(w, x[0], i) * (p * y * LogSigmoid(z) + (1 - y) * LogSigmoid(-z));
        }
        return Reduce(l, r);
    }
}
