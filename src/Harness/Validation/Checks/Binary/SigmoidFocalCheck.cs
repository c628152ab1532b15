using CustomLosses;
using CustomLosses.Catalog;
using static Harness.Validation.Checks.Binary.BinaryCheckMath;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.Binary;

/// <summary>Sigmoid focal loss against <c>torchvision.ops.sigmoid_focal_loss</c> (double overload) and the formula.</summary>
public sealed class SigmoidFocalCheck : LossCheck
{
    public override string LossName => "sigmoid-focal";

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        foreach (long[] shape in new long[][] { [7], [4, 5], [2, 3, 4] })
            yield return new LossCase($"random {Format(shape)}", LossOptions.Empty,
                [CaseInputs.Normal(g, shape, 2.0), CaseInputs.ZeroOne(g, shape)]);
        yield return new LossCase("alpha -1 (off), gamma 0 = BCE [4,5]", LossOptions.Of(("alpha", -1.0), ("gamma", 0.0)),
            [CaseInputs.Normal(g, [4, 5], 2.0), CaseInputs.ZeroOne(g, [4, 5])]);
        yield return new LossCase("alpha 0, gamma 1 [4,5]", LossOptions.Of(("alpha", 0.0), ("gamma", 1.0)),
            [CaseInputs.Normal(g, [4, 5], 2.0), CaseInputs.ZeroOne(g, [4, 5])]);
        yield return new LossCase("alpha 1, gamma 0.5 [3,4]", LossOptions.Of(("alpha", 1.0), ("gamma", 0.5)),
            [CaseInputs.Normal(g, [3, 4], 2.0), CaseInputs.ZeroOne(g, [3, 4])]);
        yield return new LossCase("alpha 0.6, gamma 3.5, soft targets [3,4]", LossOptions.Of(("alpha", 0.6), ("gamma", 3.5)),
            [CaseInputs.Normal(g, [3, 4], 2.0), CaseInputs.Uniform(g, [3, 4], 0, 1)]);
        yield return new LossCase("batch of one", LossOptions.Empty,
            [CaseInputs.Normal(g, [1], 2.0), CaseInputs.ZeroOne(g, [1])]);
        double[] hardLogits = [100, -100, 1000, -1000, 100, -100, 1000, -1000];
        double[] hardTargets = [1, 1, 1, 1, 0, 0, 0, 0];
        yield return new LossCase("logits ±100, ±1000", LossOptions.Empty,
            [T(hardLogits, 8), T(hardTargets, 8)], hard: true);
        yield return new LossCase("logits ±100, ±1000, alpha -1, gamma 1", LossOptions.Of(("alpha", -1.0), ("gamma", 1.0)),
            [T(hardLogits, 8), T(hardTargets, 8)], hard: true);
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        double alpha = Real(c, "alpha", 0.25), gamma = Real(c, "gamma", 2.0);
        var l = new double[x[0].Count];
        for (int i = 0; i < l.Length; i++)
        {
            double z = x[0][i], y = x[1][i];
            double ce = -(y * LogSigmoid(z) + (1 - y) * LogSigmoid(-z));
            double oneMinusPt = y * Sigmoid(-z) + (1 - y) * Sigmoid(z);
            double v = ce * Math.Pow(oneMinusPt, gamma);
            if (alpha >= 0) v *= alpha * y + (1 - alpha) * (1 - y);
            l[i] = v;
        }
        return Reduce(l, r);
    }
}
