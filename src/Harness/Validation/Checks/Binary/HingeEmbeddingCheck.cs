using CustomLosses;
using CustomLosses.Catalog;
using static Harness.Validation.Checks.Binary.BinaryCheckMath;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.Binary;

/// <summary>Hinge embedding against <c>hinge_embedding_loss</c> (margin always passed: TorchSharp's default is 0) and the formula.</summary>
public sealed class HingeEmbeddingCheck : LossCheck
{
    public override string LossName => "hinge-embedding";

    // The target selects a branch: finite differences on it are meaningless.
    static readonly bool[] InputOnly = [true, false];

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        foreach (long[] shape in new long[][] { [7], [4, 5], [2, 3, 4] })
            yield return new LossCase($"random {Format(shape)}", LossOptions.Empty,
                [CaseInputs.Normal(g, shape, 1.5), CaseInputs.PlusMinusOne(g, shape)], InputOnly);
        yield return new LossCase("distances, margin 2 [4,5]", LossOptions.Of(("margin", 2.0)),
            [CaseInputs.Uniform(g, [4, 5], 0, 3), CaseInputs.PlusMinusOne(g, [4, 5])], InputOnly);
        yield return new LossCase("margin 0 (TorchSharp's default) [3,4]", LossOptions.Of(("margin", 0.0)),
            [CaseInputs.Normal(g, [3, 4], 1.5), CaseInputs.PlusMinusOne(g, [3, 4])], InputOnly);
        yield return new LossCase("margin -0.5 [3,4]", LossOptions.Of(("margin", -0.5)),
            [CaseInputs.Normal(g, [3, 4], 1.5), CaseInputs.PlusMinusOne(g, [3, 4])], InputOnly);
        yield return new LossCase("batch of one", LossOptions.Empty,
            [CaseInputs.Uniform(g, [1], 0, 0.9), tensor(new[] { -1.0 })], InputOnly);
        yield return new LossCase("values ±1000", LossOptions.Empty,
            [T([1000, -1000, 1000, -1000], 4), T([1, 1, -1, -1], 4)], InputOnly, hard: true);
        // Targets other than ±1 get both terms in PyTorch (where(y != 1, ...) + where(y != -1, ...)).
        yield return new LossCase("targets 0 and 2 (both terms)", LossOptions.Empty,
            [T([0.3, -0.7, 1.6, 0.2], 4), T([0, 0, 2, 2], 4)], InputOnly, hard: true);
        yield return new LossCase("on the hinge (x = margin)", LossOptions.Of(("margin", 1.5)),
            [T([1.5, 1.5, 0.5, 2.0], 4), T([-1, 1, -1, -1], 4)], InputOnly, hard: true, smooth: false);
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        double m = Real(c, "margin", 1.0);
        var l = new double[x[0].Count];
        for (int i = 0; i < l.Length; i++)
        {
            double v = x[0][i], y = x[1][i], s = 0;
            if (y != 1) s += Math.Max(0, m - v);
            if (y != -1) s += v;
            l[i] = s;
        }
        return Reduce(l, r);
    }
}
