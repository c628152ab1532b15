using CustomLosses;
using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace MyLosses;

/// <summary>
/// Cauchy (Lorentzian) loss, the template's example: <c>l = (c^2 / 2) log(1 + ((x - y) / c)^2)</c>, reduced by mean
/// (default), sum or none. Replace the formula in <see cref="forward"/>, the <see cref="Spec"/> and the float64
/// formula below with yours, then run <c>harness validate --plugin src/MyLosses.csproj --losses my-loss</c>.
/// </summary>
/// <remarks>
/// Write the formula with <see cref="Term"/> and <see cref="KeptMath"/> (<c>Term r = input - target; 0.5 * r * r</c>):
/// they hand TorchSharp only kept scalars; the package's analyzer warns about anything else.
/// </remarks>
[RegisteredLoss]
public sealed class MyLoss : CustomLoss
{
    readonly double scale;

    /// <summary>Creates the loss.</summary>
    /// <param name="scale">c, the residual scale where the loss turns from quadratic to logarithmic (&gt; 0).</param>
    /// <param name="reduction">none, mean (default) or sum.</param>
    public MyLoss(double scale = 1.0, nn.Reduction reduction = nn.Reduction.Mean) : base(nameof(MyLoss), reduction)
    {
        if (!(scale > 0) || double.IsInfinity(scale)) throw new LossOptionException($"my-loss: scale = {scale} is out of range; valid: > 0.");
        this.scale = scale;
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        Term r = T(input - target) / scale;
        return Reduce(0.5 * scale * scale * Log1p(r * r)).MoveToOuterDisposeScope();
    }

    /// <summary>What the harness knows about the loss: its name, task, options, and how to validate it.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "my-loss",
        Title: "My loss",
        Summary: "(c^2 / 2) log(1 + ((x - y) / c)^2)",
        Task: LossTask.Regression,
        ExpectedOutput: ModelOutput.RealValues,
        Target: TargetEncoding.Real,
        Options: [OptionSpec.Real("scale", 1.0, "The residual scale c.", "> 0", v => v > 0 && !double.IsInfinity(v))],
        Reference: LossSpec.FormulaReference,
        InputCount: 2,
        Factory: o => new MyLoss(o.Real("scale"), o.Reduction))
    {
        ZeroAtTarget = true,
        Float64Formula = Float64,
    };

    /// <summary>The loss in float64 with plain loops, independent of the tensor code: what validation compares with.</summary>
    static double[] Float64(IReadOnlyList<HostArray> inputs, ResolvedLossOptions options, nn.Reduction reduction)
    {
        double c = options.Real("scale");
        var values = new double[inputs[0].Count];
        for (int i = 0; i < values.Length; i++)
        {
            double r = (inputs[0][i] - inputs[1][i]) / c;
            values[i] = 0.5 * c * c * Math.Log(1 + r * r);
        }
        return reduction switch
        {
            nn.Reduction.None => values,
            nn.Reduction.Sum => [values.Sum()],
            _ => [values.Average()],
        };
    }
}
