using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace CustomLosses.MultiClass;

/// <summary>
/// Mean absolute error between softmax probabilities and the one-hot target (Ghosh et al. 2017,
/// "Robust Loss Functions under Label Noise for Deep Neural Networks"):
/// <c>l_i = sum_c |p_c - onehot(y_i)_c|</c> with <c>p = softmax(x_i)</c>, reduced by mean over
/// samples (default), sum or none.
/// </summary>
/// <remarks>
/// <para>Input: logits of shape [N, C]. Target: int64 class indices of shape [N]. Output: scalar, or
/// [N] for reduction none. No libtorch twin: validated against a float64 formula and finite
/// differences.</para>
/// <para>Identity: since the probabilities sum to 1, <c>l_i = 2 (1 - p_y)</c>; the loss is computed as
/// the sum of absolute differences (what the name says). For precision the true class's difference
/// <c>p_y - 1</c> is computed as <c>expm1(log_softmax(x)_y)</c> and the others' <c>p_c</c> as
/// <c>exp(log_softmax(x)_c)</c>, so saturated logits (±1000) give exact, finite values.</para>
/// </remarks>
public sealed class MaeOnProbabilitiesLoss : CustomLoss
{
    /// <summary>Creates the loss.</summary>
    public MaeOnProbabilitiesLoss(nn.Reduction reduction = nn.Reduction.Mean)
        : base(nameof(MaeOnProbabilitiesLoss), reduction) { }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        ClassIndexLogits.Check("MAE-prob", input, target);
        using var scope = NewDisposeScope();
        var logp = nn.functional.log_softmax(input, 1);
        var isTarget = ClassIndexLogits.OneHotMask(target, input);
        var diff = where(isTarget, logp.expm1(), logp.exp()); // p_c - onehot_c
        var loss = diff.abs().sum(1);
        return Reduce(loss).MoveToOuterDisposeScope();
    }

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "mae-prob",
        Title: "MAE on probabilities",
        Summary: "sum_c |softmax(x)_c - onehot(y)_c| = 2 (1 - p_y)",
        Task: LossTask.MultiClass,
        ExpectedOutput: ModelOutput.Logits,
        Target: TargetEncoding.ClassIndex,
        Options: [],
        Reference: LossSpec.FormulaReference,
        InputCount: 2,
        Factory: o => new MaeOnProbabilitiesLoss(o.Reduction));
}
