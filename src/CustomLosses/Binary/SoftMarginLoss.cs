using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace CustomLosses.Binary;

/// <summary>
/// Soft-margin (logistic) loss with labels in {-1, +1}: <c>l = log(1 + exp(-y x))</c>, computed stably as
/// <c>-logsigmoid(y x)</c> (= softplus(-y x)), reduced by mean over all elements (default), sum or none.
/// </summary>
/// <remarks>
/// <para>Input: logits, any shape. Target: same shape, labels -1 / +1 (like PyTorch, other values are not rejected;
/// the formula is applied as written). Output: scalar, or the input's shape for reduction none.</para>
/// <para>Mirrors <c>torch.nn.functional.soft_margin_loss</c> / <c>torch.nn.SoftMarginLoss</c>. PyTorch evaluates
/// <c>log1p(exp(-y x))</c> literally, which overflows to inf (and a NaN gradient) once -y x exceeds about 709 in
/// float64 or 88 in float32; this version stays finite and exact there.</para>
/// </remarks>
public sealed class SoftMarginLoss : CustomLoss
{
    const string Name = "Soft margin";

    /// <summary>Creates the loss.</summary>
    public SoftMarginLoss(nn.Reduction reduction = nn.Reduction.Mean) : base(nameof(SoftMarginLoss), reduction) { }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        BinaryInputs.Floating(Name, "input", input);
        BinaryInputs.SameShape(Name, input, target);
        var loss = nn.functional.logsigmoid(target * input).neg();
        return Reduce(loss).MoveToOuterDisposeScope();
    }

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "soft-margin",
        Title: "Soft margin (logistic)",
        Summary: "log(1 + exp(-y x)), y in {-1, +1}",
        Task: LossTask.BinaryOrMultiLabel,
        ExpectedOutput: ModelOutput.Logits,
        Target: TargetEncoding.PlusMinusOne,
        Options: [],
        Reference: "torch.nn.functional.soft_margin_loss",
        InputCount: 2,
        Factory: o => new SoftMarginLoss(o.Reduction));
}
