using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.MultiClass;

/// <summary>
/// Crammer-Singer multi-class (categorical) hinge loss:
/// <c>l_i = max(0, margin + max_{j != y_i} x[i, j] - x[i, y_i])</c>.
/// </summary>
/// <remarks>
/// <para>Input: logits / scores [N, C] or [C] with C &gt;= 2 (no activation). Target: class indices
/// (int64) [N] ([] or [1] for a single sample [C]). Output: a scalar (mean or sum over samples), or [N]
/// (the target's shape) for reduction none.</para>
/// <para>Only the most violating wrong class counts (unlike multi-margin, which sums over all wrong
/// classes). At the hinge (argument exactly 0) the gradient is 0; when several wrong classes tie for the
/// maximum the gradient goes to one of them. There is no libtorch twin; it is the loss of Crammer &amp;
/// Singer (2001), Keras' <c>categorical_hinge</c> on scores.</para>
/// </remarks>
public sealed class CrammerSingerLoss : CustomLoss
{
    const string Name = "CrammerSinger";

    /// <summary>Creates the loss.</summary>
    /// <param name="margin">The margin, &gt; 0.</param>
    /// <param name="reduction">none, mean or sum.</param>
    public CrammerSingerLoss(double margin = 1.0, nn.Reduction reduction = nn.Reduction.Mean)
        : base(nameof(CrammerSingerLoss), reduction)
    {
        Spec.CheckArgument("margin", margin);
        Margin = margin;
    }

    /// <summary>The margin.</summary>
    public double Margin { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        var (x, y, classes) = MarginInputs.Rows(input, target, Name);
        if (classes < 2)
            throw new ArgumentException($"{Name}: input needs at least 2 classes; got {classes}.");
        var xy = x.gather(1, y.unsqueeze(1)).squeeze(1);
        var others = x.masked_fill(ClassIndexTargets.TargetMask(x, y, 1), S(double.NegativeInfinity));
        Term worst = others.max(1).values;
        Tensor perSample = Relu(worst + Margin - xy);
        Tensor result = Reduction switch
        {
            nn.Reduction.None => perSample.reshape(MarginInputs.NoneShape(input, target)),
            nn.Reduction.Sum => perSample.sum(),
            _ => perSample.mean(),
        };
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "crammer-singer",
        Title: "Crammer-Singer multi-class hinge",
        Summary: "max(0, margin + max_{j != y} x_j - x_y)",
        Task: LossTask.MultiClass,
        ExpectedOutput: ModelOutput.Logits,
        Target: TargetEncoding.ClassIndex,
        Options:
        [
            OptionSpec.Real("margin", 1.0, "Required gap between the target score and the best other score.",
                "> 0", v => v > 0 && !double.IsInfinity(v)),
        ],
        Reference: LossSpec.FormulaReference,
        InputCount: 2,
        Factory: o => new CrammerSingerLoss(o.Real("margin"), o.Reduction));
}
