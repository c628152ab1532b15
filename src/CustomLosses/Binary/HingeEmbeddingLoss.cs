using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.Binary;

/// <summary>
/// Hinge embedding loss: <c>l = x</c> where <c>y = 1</c>, <c>l = max(0, margin - x)</c> where <c>y = -1</c>,
/// reduced by mean (default), sum or none.
/// </summary>
/// <remarks>
/// <para>Input: non-negative real values such as distances (e.g. an L1 distance between two embeddings), any shape.
/// Target: same shape, labels 1 (similar) and -1 (dissimilar). Output: scalar, or the input's shape for reduction none.
/// margin: any real (default 1, PyTorch's default; TorchSharp's functional and module default 0).</para>
/// <para>Computed exactly as PyTorch does, <c>where(y != 1, max(0, margin - x), 0) + where(y != -1, x, 0)</c>, so a
/// target other than ±1 gets both terms, as in PyTorch. The gradient at x = margin (y = -1) is -1 (clamp_min's).</para>
/// <para>Mirrors <c>torch.nn.functional.hinge_embedding_loss</c> / <c>torch.nn.HingeEmbeddingLoss</c>.</para>
/// </remarks>
public sealed class HingeEmbeddingLoss : CustomLoss
{
    const string Name = "Hinge embedding";

    /// <summary>Creates the loss.</summary>
    /// <param name="margin">The margin for dissimilar pairs, any finite real (default 1).</param>
    /// <param name="reduction">none, mean (default) or sum.</param>
    public HingeEmbeddingLoss(double margin = 1.0, nn.Reduction reduction = nn.Reduction.Mean) : base(nameof(HingeEmbeddingLoss), reduction)
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
        var zeros = zeros_like(input);
        Term marginTerm = where(target.ne(S(1L)), ClampMin(Margin - T(input), 0L), zeros);   // max(0, margin - x) where y != 1
        var selfTerm = where(target.ne(S(-1L)), input, zeros);                               // x where y != -1
        return Reduce(marginTerm + selfTerm).MoveToOuterDisposeScope();
    }

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "hinge-embedding",
        Title: "Hinge embedding",
        Summary: "x if y = 1, max(0, margin - x) if y = -1",
        Task: LossTask.BinaryOrMultiLabel,
        ExpectedOutput: ModelOutput.RealValues,
        Target: TargetEncoding.PlusMinusOne,
        Options: [OptionSpec.Real("margin", 1.0, "Distance below which dissimilar pairs are penalised.", "any finite real number",
            v => !double.IsInfinity(v))],
        Reference: "torch.nn.functional.hinge_embedding_loss",
        InputCount: 2,
        Factory: o => new HingeEmbeddingLoss(o.Real("margin"), o.Reduction));
}
