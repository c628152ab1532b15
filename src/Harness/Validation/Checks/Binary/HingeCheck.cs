using CustomLosses;
using CustomLosses.Catalog;
using static Harness.Validation.Checks.Binary.BinaryCheckMath;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.Binary;

/// <summary>Cases shared by hinge and squared hinge (labels in {-1, +1}, no built-in twin).</summary>
internal static class HingeCases
{
    // ±1 targets are not differentiated: a finite-difference step would leave {-1, +1}, which the loss rejects.
    public static readonly bool[] InputOnly = [true, false];

    public static IEnumerable<LossCase> Make(Generator g)
    {
        foreach (long[] shape in new long[][] { [7], [4, 5], [2, 3, 4] })
            yield return new LossCase($"random {Format(shape)}", LossOptions.Empty,
                [CaseInputs.Normal(g, shape, 1.5), CaseInputs.PlusMinusOne(g, shape)], InputOnly);
        yield return new LossCase("margin 0.5 [4,5]", LossOptions.Of(("margin", 0.5)),
            [CaseInputs.Normal(g, [4, 5], 1.5), CaseInputs.PlusMinusOne(g, [4, 5])], InputOnly);
        yield return new LossCase("margin 2.5 [3,4]", LossOptions.Of(("margin", 2.5)),
            [CaseInputs.Normal(g, [3, 4], 1.5), CaseInputs.PlusMinusOne(g, [3, 4])], InputOnly);
        yield return new LossCase("batch of one", LossOptions.Empty,
            [CaseInputs.Normal(g, [1], 1.5), CaseInputs.PlusMinusOne(g, [1])], InputOnly);
        yield return new LossCase("scores ±100, ±1000", LossOptions.Empty,
            [T([100, -100, 1000, -1000, 100, -100, 1000, -1000], 8), T([1, 1, 1, 1, -1, -1, -1, -1], 8)], InputOnly, hard: true);
        // y x = margin exactly: the hinge point.
        yield return new LossCase("on the hinge (y x = margin)", LossOptions.Of(("margin", 1.5)),
            [T([1.5, -1.5, 0.25, -3.0], 4), T([1, -1, 1, 1], 4)], InputOnly, hard: true, smooth: false);
    }
}

/// <summary>Hinge: max(0, margin - y x), checked against the formula and finite differences.</summary>
public sealed class HingeCheck : LossCheck
{
    public override string LossName => "hinge";

    public override IEnumerable<LossCase> Cases(Generator g) => HingeCases.Make(g);

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        double m = Real(c, "margin", 1.0);
        var l = new double[x[0].Count];
        for (int i = 0; i < l.Length; i++) l[i] = Math.Max(0, m - x[1][i] * x[0][i]);
        return Reduce(l, r);
    }
}
