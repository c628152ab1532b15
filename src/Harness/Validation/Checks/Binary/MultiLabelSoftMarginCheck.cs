using CustomLosses;
using CustomLosses.Catalog;
using static Harness.Validation.Checks.Binary.BinaryCheckMath;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.Binary;

/// <summary>Multi-label soft margin against <c>multilabel_soft_margin_loss</c> and the per-sample formula.</summary>
public sealed class MultiLabelSoftMarginCheck : LossCheck
{
    public override string LossName => "multilabel-soft-margin";

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        foreach (long[] shape in new long[][] { [4, 5], [8, 3], [6] })
            yield return new LossCase($"random {Format(shape)}", LossOptions.Empty,
                [CaseInputs.Normal(g, shape, 2.0), CaseInputs.ZeroOne(g, shape)]);
        yield return new LossCase("weight [4,5]", LossOptions.Of(("weight", new[] { 0.3, 2.0, 0.0, 1.2, -0.5 })),
            [CaseInputs.Normal(g, [4, 5], 2.0), CaseInputs.ZeroOne(g, [4, 5])]);
        yield return new LossCase("weight, soft targets [3,4]", LossOptions.Of(("weight", new[] { 0.5, 1.5, 2.5, 1.0 })),
            [CaseInputs.Normal(g, [3, 4], 2.0), CaseInputs.Uniform(g, [3, 4], 0, 1)]);
        yield return new LossCase("batch of one [1,6]", LossOptions.Empty,
            [CaseInputs.Normal(g, [1, 6], 2.0), CaseInputs.ZeroOne(g, [1, 6])]);
        yield return new LossCase("logits ±100, ±1000 [2,4]", LossOptions.Of(("weight", new[] { 1.0, 2.0, 0.5, 1.0 })),
            [T([100, -100, 1000, -1000, 100, -100, 1000, -1000], 2, 4), T([1, 1, 1, 1, 0, 0, 0, 0], 2, 4)], hard: true);
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        var w = Vector(c, "weight");
        int classes = x[0].Dim(x[0].Rank - 1);
        int samples = x[0].Count / classes;
        var l = new double[samples];
        for (int n = 0; n < samples; n++)
        {
            double s = 0;
            for (int k = 0; k < classes; k++)
            {
                int i = n * classes + k;
                double z = x[0][i], y = x[1][i];
                s += LastDim(w, x[0], i) * (y * LogSigmoid(z) + (1 - y) * LogSigmoid(-z));
            }
            l[n] = -s / classes;
        }
        return Reduce(l, r);
    }
}
