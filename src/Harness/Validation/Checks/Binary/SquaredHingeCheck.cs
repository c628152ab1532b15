using CustomLosses;
using static Harness.Validation.Checks.Binary.BinaryCheckMath;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.Binary;

/// <summary>Squared hinge: max(0, margin - y x)^2, checked against the formula and finite differences.</summary>
public sealed class SquaredHingeCheck : LossCheck
{
    public override string LossName => "squared-hinge";

    public override IEnumerable<LossCase> Cases(Generator g) => HingeCases.Make(g);

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        double m = Real(c, "margin", 1.0);
        var l = new double[x[0].Count];
        for (int i = 0; i < l.Length; i++)
        {
            double h = Math.Max(0, m - x[1][i] * x[0][i]);
            l[i] = h * h;
        }
        return Reduce(l, r);
    }
}
