using CustomLosses;
using CustomLosses.Catalog;
using static Harness.Validation.Checks.Binary.BinaryCheckMath;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.Binary;

/// <summary>Soft margin against <c>soft_margin_loss</c> and softplus(-y x).</summary>
public sealed class SoftMarginCheck : LossCheck
{
    public override string LossName => "soft-margin";

    // libtorch defines no gradient for soft_margin_loss's target.
    static readonly bool[] InputOnly = [true, false];

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        foreach (long[] shape in new long[][] { [7], [4, 5], [2, 3, 4] })
            yield return new LossCase($"random {Format(shape)}", LossOptions.Empty,
                [CaseInputs.Normal(g, shape, 2.0), CaseInputs.PlusMinusOne(g, shape)], InputOnly);
        yield return new LossCase("batch of one", LossOptions.Empty,
            [CaseInputs.Normal(g, [1], 2.0), CaseInputs.PlusMinusOne(g, [1])], InputOnly);
        yield return new LossCase("logits ±100, ±1000, correct sign", LossOptions.Empty,
            [T([100, -100, 1000, -1000], 4), T([1, -1, 1, -1], 4)], InputOnly, hard: true);
        yield return new LossCase("logits ±30, wrong sign", LossOptions.Empty,
            [T([30, -30, 35, -35], 4), T([-1, 1, -1, 1], 4)], InputOnly, hard: true);
        // PyTorch evaluates log1p(exp(-y x)) literally: exp overflows (inf loss, NaN gradient) at -y x = 1000
        // in float64 and already at 100 in float32. Here the built-in is expected to be wrong.
        yield return new LossCase("logits ±100, ±1000, wrong sign (built-in overflows)", LossOptions.Empty,
            [T([100, -100, 1000, -1000], 4), T([-1, 1, -1, 1], 4)], InputOnly, hard: true);
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        var l = new double[x[0].Count];
        for (int i = 0; i < l.Length; i++) l[i] = Softplus(-x[1][i] * x[0][i]);
        return Reduce(l, r);
    }
}
