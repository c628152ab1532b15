using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.Binary;

/// <summary>
/// Binary cross-entropy on logits (sigmoid + BCE in one stable expression):
/// <c>l = -w [p y log σ(x) + (1 - y) log σ(-x)]</c>, computed as PyTorch does:
/// <c>l = w [(1 - y) x - (1 + (p - 1) y) logsigmoid(x)]</c>, reduced by mean (default), sum or none.
/// </summary>
/// <remarks>
/// <para>Input: logits (no sigmoid), any shape. Target: same shape, values in [0, 1] (0/1 labels or soft labels).
/// Output: scalar, or the input's shape for reduction none. Mean is the plain mean over all elements.</para>
/// <para>weight: optional per-label rescaling (one entry per element of the last dimension, or one for all).
/// pos_weight: optional weight of the positive term per label (last dimension = number of labels), each &gt;= 0;
/// values &gt; 1 raise recall, &lt; 1 raise precision.</para>
/// <para>Finite and exact at logits of any magnitude (log-sigmoid never forms exp(|x|)).
/// Mirrors <c>torch.nn.functional.binary_cross_entropy_with_logits</c> / <c>torch.nn.BCEWithLogitsLoss</c>
/// (TorchSharp names the positive weight <c>pos_weights</c>).</para>
/// </remarks>
public sealed class BceWithLogitsLoss : CustomLoss
{
    const string Name = "BCE-with-logits";

    readonly Tensor? weight;
    readonly Tensor? pos_weight;

    /// <summary>Creates the loss.</summary>
    /// <param name="weight">Optional per-label weights (last dimension), any finite reals.</param>
    /// <param name="posWeight">Optional per-label positive-class weights (last dimension), each &gt;= 0.</param>
    /// <param name="reduction">none, mean (default) or sum.</param>
    public BceWithLogitsLoss(double[]? weight = null, double[]? posWeight = null, nn.Reduction reduction = nn.Reduction.Mean)
        : base(nameof(BceWithLogitsLoss), reduction)
    {
        this.weight = BinaryInputs.OptionVector(Name, "weight", weight, "finite real numbers", _ => true);
        pos_weight = BinaryInputs.OptionVector(Name, "pos_weight", posWeight, ">= 0 (one per label)", v => v >= 0);
        RegisterComponents();
    }

    /// <summary>Creates the loss with its weights given as 1-D tensors (copied); either may be null.</summary>
    public BceWithLogitsLoss(Tensor? weight, Tensor? posWeight, nn.Reduction reduction = nn.Reduction.Mean)
        : this(HostArray.OptionVector(weight, Name, "weight"), HostArray.OptionVector(posWeight, Name, "pos_weight"), reduction) { }

    /// <summary>The per-label weights, or null.</summary>
    public Tensor? Weight => weight;

    /// <summary>The per-label positive weights, or null.</summary>
    public Tensor? PosWeight => pos_weight;

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        BinaryInputs.Floating(Name, "input", input);
        BinaryInputs.SameShape(Name, input, target);
        return (FastKernel(input, target) ?? Formula(input, target)).MoveToOuterDisposeScope();
    }

    /// <summary>The formula in the summary, reduced.</summary>
    Tensor Formula(Tensor input, Tensor target)
    {
        var logSigmoid = LogSigmoid(input);
        if (pos_weight is not null)
        {
            var p = BinaryInputs.LastDim(Name, "pos_weight", pos_weight, input);
            logSigmoid = logSigmoid * ((T(p) - 1) * target + 1);
        }
        var loss = (1 - T(target)) * input - logSigmoid;
        if (weight is not null)
            loss = loss * BinaryInputs.LastDim(Name, "weight", weight, input);
        return Reduce(loss);
    }

    /// <summary>
    /// No weight, no pos_weight, same shapes, mean or sum: the loss formed in place in one buffer and a one-buffer
    /// backward <c>(sigmoid(x) - t) g / n</c> (see Kernels); else null.
    /// </summary>
    Tensor? FastKernel(Tensor input, Tensor target) =>
        weight is null && pos_weight is null && Kernels.LossFunction.ElementWise(input, target, Reduction)
            ? Kernels.BceWithLogitsFunction.apply(input, target, Reduction) : null;

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "bce-with-logits",
        Title: "Binary cross-entropy with logits",
        Summary: "-w [p y log sigmoid(x) + (1 - y) log sigmoid(-x)], computed stably",
        Task: LossTask.BinaryOrMultiLabel,
        ExpectedOutput: ModelOutput.Logits,
        Target: TargetEncoding.ZeroOne,
        Options:
        [
            OptionSpec.RealVector("weight", "Per-label weight, one entry per element of the input's last dimension.",
                "finite real numbers, one per label", perClass: true),
            OptionSpec.RealVector("pos_weight", "Weight of the positive term, one entry per label (last dimension).",
                ">= 0, one per label", v => v >= 0, perClass: true),
        ],
        Reference: "torch.nn.functional.binary_cross_entropy_with_logits",
        InputCount: 2,
        Factory: o => new BceWithLogitsLoss(o.RealVector("weight"), o.RealVector("pos_weight"), o.Reduction));
}
