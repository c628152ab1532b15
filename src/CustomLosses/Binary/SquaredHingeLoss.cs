using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.Binary;

/// <summary>
/// Squared hinge (L2-SVM) loss with labels in {-1, +1}: <c>l = max(0, margin - y x)^2</c>,
/// reduced by mean (default), sum or none.
/// </summary>
/// <remarks>
/// <para>Input: raw scores (logits, no activation), any shape. Target: same shape, every value exactly -1 or +1
/// (anything else is an <see cref="ArgumentException"/>). Output: scalar, or the input's shape for reduction none.
/// margin &gt; 0 (default 1). Differentiable everywhere (the gradient -2 y max(0, margin - y x) is continuous).</para>
/// <para>No PyTorch built-in twin; validated against a float64 formula and finite differences.</para>
/// </remarks>
public sealed class SquaredHingeLoss : CustomLoss
{
    const string Name = "Squared hinge";

    /// <summary>Creates the loss.</summary>
    /// <param name="margin">The margin, &gt; 0 (default 1).</param>
    /// <param name="reduction">none, mean (default) or sum.</param>
    public SquaredHingeLoss(double margin = 1.0, nn.Reduction reduction = nn.Reduction.Mean) : base(nameof(SquaredHingeLoss), reduction)
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
        BinaryInputs.Floating(Name, "input", input);
        BinaryInputs.SameShape(Name, input, target);
        BinaryInputs.PlusMinusOne(Name, target);
        var h = ClampMin(Margin - T(target) * input, 0L);
        return Reduce(h * h).MoveToOuterDisposeScope();
    }

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "squared-hinge",
        Title: "Squared hinge (L2-SVM)",
        Summary: "max(0, margin - y x)^2, y in {-1, +1}",
        Task: LossTask.BinaryOrMultiLabel,
        ExpectedOutput: ModelOutput.Logits,
        Target: TargetEncoding.PlusMinusOne,
        Options: [OptionSpec.Real("margin", 1.0, "Margin the score y x must exceed.", "> 0", v => v > 0 && !double.IsInfinity(v))],
        Reference: LossSpec.FormulaReference,
        InputCount: 2,
        Factory: o => new SquaredHingeLoss(o.Real("margin"), o.Reduction));
}
