using CustomLosses;
using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace SampleLossPlugin;

/// <summary>
/// Cauchy (Lorentzian) loss: <c>l = (c^2 / 2) log(1 + ((x - y) / c)^2)</c>, reduced by mean (default), sum or none. A
/// robust regression loss whose gradient fades for large residuals.
/// </summary>
[RegisteredLoss]
public sealed class CauchySampleLoss : CustomLoss
{
    readonly double scale;

    /// <summary>Creates the loss.</summary>
    /// <param name="scale">c, the residual scale where the loss turns from quadratic to logarithmic (&gt; 0).</param>
    /// <param name="reduction">none, mean (default) or sum.</param>
    public CauchySampleLoss(double scale = 1.0, nn.Reduction reduction = nn.Reduction.Mean) : base(nameof(CauchySampleLoss), reduction)
    {
        if (!(scale > 0) || double.IsInfinity(scale)) throw new LossOptionException($"cauchy-sample: scale = {scale} is out of range; valid: > 0.");
        this.scale = scale;
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        Term r = T(input - target) / scale;
        return Reduce(0.5 * scale * scale * Log1p(r * r)).MoveToOuterDisposeScope();
    }

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "cauchy-sample",
        Title: "Cauchy (sample plugin)",
        Summary: "(c^2 / 2) log(1 + ((x - y) / c)^2)",
        Task: LossTask.Regression,
        ExpectedOutput: ModelOutput.RealValues,
        Target: TargetEncoding.Real,
        Options: [OptionSpec.Real("scale", 1.0, "The residual scale c.", "> 0", v => v > 0 && !double.IsInfinity(v))],
        Reference: LossSpec.FormulaReference,
        InputCount: 2,
        Factory: o => new CauchySampleLoss(o.Real("scale"), o.Reduction))
    {
        ZeroAtTarget = true,
        Float64Formula = (inputs, options, reduction) =>
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
        },
    };
}
