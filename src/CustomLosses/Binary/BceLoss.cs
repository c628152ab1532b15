using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.Binary;

/// <summary>
/// Binary cross-entropy on probabilities:
/// <c>l = -w (y max(log x, -100) + (1 - y) max(log(1 - x), -100))</c>, reduced by mean (default), sum or none.
/// </summary>
/// <remarks>
/// <para>Input: probabilities in [0, 1] (after a sigmoid), any shape. Target: same shape, values in [0, 1]
/// (hard 0/1 labels or soft labels). Values outside [0, 1] (or NaN) are an <see cref="ArgumentException"/>, as in PyTorch.
/// Output: scalar, or the input's shape for reduction none. Mean is the plain mean over all elements.</para>
/// <para>weight: optional per-label rescaling, one entry per element of the input's last dimension
/// (or one entry for all), broadcast over the other dimensions.</para>
/// <para>Like PyTorch, the two log terms are clamped at -100, so probabilities exactly 0 and 1 give finite
/// losses (at most 100 w). The input gradient is PyTorch's <c>w (x - y) / max(x (1 - x), 1e-12)</c>, which stays
/// finite at x = 0 and x = 1 (the 1e-12 is libtorch's float constant, 9.99999996e-13); the target gradient is
/// <c>-w (max(log x, -100) - max(log(1 - x), -100))</c>, i.e.
/// PyTorch's <c>-w logit(x)</c> except where a log term is clamped (there PyTorch's is infinite).</para>
/// <para>Mirrors <c>torch.nn.functional.binary_cross_entropy</c> / <c>torch.nn.BCELoss</c>. Numerically,
/// prefer <see cref="BceWithLogitsLoss"/> on logits.</para>
/// </remarks>
public sealed class BceLoss : CustomLoss
{
    const string Name = "BCE";
    /// <summary>
    /// libtorch's EPSILON in binary_cross_entropy_backward: the float 1e-12f (9.99999996e-13), also in float64.
    /// </summary>
    const double GradientEpsilon = 1e-12f;

    readonly Tensor? weight;

    /// <summary>Creates the loss.</summary>
    /// <param name="weight">Optional per-label weights (last dimension), any finite reals.</param>
    /// <param name="reduction">none, mean (default) or sum.</param>
    public BceLoss(double[]? weight = null, nn.Reduction reduction = nn.Reduction.Mean) : base(nameof(BceLoss), reduction)
    {
        this.weight = BinaryInputs.OptionVector(Name, "weight", weight, "finite real numbers", _ => true);
        RegisterComponents();
    }

    /// <summary>Creates the loss with per-label weights given as a 1-D tensor (copied).</summary>
    public BceLoss(Tensor? weight, nn.Reduction reduction = nn.Reduction.Mean)
        : this(HostArray.OptionVector(weight, Name, "weight"), reduction) { }

    /// <summary>The per-label weights, or null.</summary>
    public Tensor? Weight => weight;

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        BinaryInputs.Floating(Name, "input", input);
        BinaryInputs.SameShape(Name, input, target);
        BinaryInputs.UnitInterval(Name, "input", input, " BCE takes probabilities: apply a sigmoid first, or use bce-with-logits on logits.");
        BinaryInputs.UnitInterval(Name, "target", target, "");

        // The value is computed on a detached input; the input gradient is attached below as PyTorch
        // defines it (finite at 0 and 1, where the derivative of the clamped logs is 0/0).
        var x = input.detach();
        var logX = ClampMin(Log(x), -100L);
        var log1mX = ClampMin(Log1p(-T(x)), -100L);
        var loss = (T(target) - 1) * log1mX - target * logX;
        Term gradX = (x - target) / ClampMin(x * (1 - T(x)), GradientEpsilon);
        // The same gradient of the attached input: its derivative is the input's second derivative (double backward).
        Term gradInput = (input - target) / ClampMin(input * (1 - T(input)), GradientEpsilon);
        if (weight is not null)
        {
            var w = BinaryInputs.LastDim(Name, "weight", weight, input);
            loss = loss * w;
            gradX = gradX * w;
            gradInput = gradInput * w;
        }
        // (input - x) is exactly 0 in the forward pass and carries gradX backwards; gradX is finite. Both added terms are
        // exactly 0, and so are their contributions to the gradients, which therefore keep their bits; in the second
        // derivatives, (input - x) gradX gives the input-target term and half of (input - x) (gradInput - gradX), whose
        // factors are both 0, gives the input-input term (one half from each factor).
        Term dx = input - x;
        loss = loss + dx * gradX + 0.5 * dx * (gradInput - gradX);
        return Reduce(loss).MoveToOuterDisposeScope();
    }

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "bce",
        Title: "Binary cross-entropy",
        Summary: "-w (y log x + (1 - y) log(1 - x)), logs clamped at -100",
        Task: LossTask.BinaryOrMultiLabel,
        ExpectedOutput: ModelOutput.Probabilities,
        Target: TargetEncoding.ZeroOne,
        Options:
        [
            OptionSpec.RealVector("weight", "Per-label weight, one entry per element of the input's last dimension.",
                "finite real numbers, one per label", perClass: true),
        ],
        Reference: "torch.nn.functional.binary_cross_entropy",
        InputCount: 2,
        Factory: o => new BceLoss(o.RealVector("weight"), o.Reduction));
}
