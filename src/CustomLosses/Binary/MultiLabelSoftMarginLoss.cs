using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.Binary;

/// <summary>
/// Multi-label one-versus-all logistic loss:
/// <c>l_i = -(1/C) Σ_c w_c [y_ic logsigmoid(x_ic) + (1 - y_ic) logsigmoid(-x_ic)]</c>,
/// then mean (default), sum or none over the samples.
/// </summary>
/// <remarks>
/// <para>Input: logits [N, C] (or [C] for one sample; in general the last dimension holds the C labels).
/// Target: same shape, values in {0, 1} (soft labels in [0, 1] are accepted as PyTorch does).
/// Output: scalar; for reduction none one value per sample, shape [N] (a scalar for [C] input).</para>
/// <para>weight: optional per-class weight, C entries (or one for all).</para>
/// <para>Mirrors <c>torch.nn.functional.multilabel_soft_margin_loss</c> / <c>torch.nn.MultiLabelSoftMarginLoss</c>;
/// unlike bce-with-logits, mean averages per-sample losses that are already averaged over C.</para>
/// </remarks>
public sealed class MultiLabelSoftMarginLoss : CustomLoss
{
    const string Name = "Multi-label soft margin";

    readonly Tensor? weight;

    /// <summary>Creates the loss.</summary>
    /// <param name="weight">Optional per-class weights (C entries), any finite reals.</param>
    /// <param name="reduction">none, mean (default) or sum.</param>
    public MultiLabelSoftMarginLoss(double[]? weight = null, nn.Reduction reduction = nn.Reduction.Mean)
        : base(nameof(MultiLabelSoftMarginLoss), reduction)
    {
        this.weight = BinaryInputs.OptionVector(Name, "weight", weight, "finite real numbers", _ => true);
        RegisterComponents();
    }

    /// <summary>Creates the loss with per-class weights given as a 1-D tensor (copied).</summary>
    public MultiLabelSoftMarginLoss(Tensor? weight, nn.Reduction reduction = nn.Reduction.Mean)
        : this(HostArray.OptionVector(weight, Name, "weight"), reduction) { }

    /// <summary>The per-class weights, or null.</summary>
    public Tensor? Weight => weight;

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        BinaryInputs.Floating(Name, "input", input);
        if (input.dim() < 1)
            throw new ArgumentException($"{Name}: input must be [N, C] or [C] (labels in the last dimension), got a scalar.");
        BinaryInputs.SameShape(Name, input, target);

        Tensor loss = -(target * LogSigmoid(input) + (1 - T(target)) * LogSigmoid(-T(input)));
        if (weight is not null)
            loss = loss * BinaryInputs.LastDim(Name, "weight", weight, input);
        long classDim = input.dim() - 1;
        loss = loss.sum(classDim) / S(input.size((int)classDim));
        return Reduce(loss).MoveToOuterDisposeScope();
    }

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "multilabel-soft-margin",
        Title: "Multi-label soft margin",
        Summary: "-(1/C) sum_c w_c [y log sigmoid(x) + (1 - y) log sigmoid(-x)] per sample",
        Task: LossTask.BinaryOrMultiLabel,
        ExpectedOutput: ModelOutput.Logits,
        Target: TargetEncoding.ZeroOne,
        Options:
        [
            OptionSpec.RealVector("weight", "Per-class weight, one entry per class.", "finite real numbers, one per class", perClass: true),
        ],
        Reference: "torch.nn.functional.multilabel_soft_margin_loss",
        InputCount: 2,
        Factory: o => new MultiLabelSoftMarginLoss(o.RealVector("weight"), o.Reduction));
}
