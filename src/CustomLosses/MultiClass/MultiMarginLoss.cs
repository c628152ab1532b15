using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.MultiClass;

/// <summary>
/// Multi-class margin (hinge) loss, PyTorch's form:
/// <c>l_i = sum_{j != y_i} w[y_i] max(0, margin - x[i, y_i] + x[i, j])^p / C</c>.
/// </summary>
/// <remarks>
/// <para>Input: logits / scores [N, C] or [C] (no activation). Target: class indices (int64) [N]
/// ([] or [1] for a single sample [C]).</para>
/// <para>Note the division by C (all classes, as PyTorch does) and that the class weight multiplies
/// every term of the sample. Mean reduction is the plain mean over samples (not weighted). Where
/// <c>margin - x_y + x_j</c> is exactly 0 the gradient is 0, as in libtorch's kernel.
/// Output: a scalar, or [N] (the target's shape) for reduction none.
/// Mirrors <c>torch.nn.functional.multi_margin_loss</c> / <c>torch.nn.MultiMarginLoss</c>.</para>
/// </remarks>
public sealed class MultiMarginLoss : CustomLoss
{
    const string Name = "MultiMargin";

    readonly Tensor? weight;

    /// <summary>Creates the loss.</summary>
    /// <param name="p">Exponent of the hinge: 1 or 2.</param>
    /// <param name="margin">The margin (any finite real).</param>
    /// <param name="weight">Optional per-class weights (length C, each finite and &gt;= 0).</param>
    /// <param name="reduction">none, mean or sum.</param>
    public MultiMarginLoss(int p = 1, double margin = 1.0, double[]? weight = null, nn.Reduction reduction = nn.Reduction.Mean)
        : base(nameof(MultiMarginLoss), reduction)
    {
        Check(p, margin);
        P = p;
        Margin = margin;
        this.weight = ClassIndexTargets.WeightTensor(weight, Name);
        RegisterComponents();
    }

    /// <summary>Creates the loss with class weights given as a 1-D tensor (copied).</summary>
    public MultiMarginLoss(Tensor weight, int p = 1, double margin = 1.0, nn.Reduction reduction = nn.Reduction.Mean)
        : base(nameof(MultiMarginLoss), reduction)
    {
        Check(p, margin);
        P = p;
        Margin = margin;
        this.weight = ClassIndexTargets.WeightTensor(weight, Name);
        RegisterComponents();
    }

    static void Check(int p, double margin)
    {
        Spec.CheckArgument("p", p);
        Spec.CheckArgument("margin", margin);
    }

    /// <summary>The hinge exponent (1 or 2).</summary>
    public int P { get; }

    /// <summary>The margin.</summary>
    public double Margin { get; }

    /// <summary>The class weights (a registered buffer), or null.</summary>
    public Tensor? Weight => weight;

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        var (x, y, classes) = MarginInputs.Rows(input, target, Name);
        var w = ClassIndexTargets.WeightFor(weight, input, classes, Name);
        var loss = FastKernel(x, y, w) ?? Reduce(Formula(x, y, w, classes));
        return (Reduction == nn.Reduction.None ? loss.reshape(MarginInputs.NoneShape(input, target)) : loss).MoveToOuterDisposeScope();
    }

    /// <summary>The formula in the summary, per sample ([N]).</summary>
    Tensor Formula(Tensor x, Tensor y, Tensor? w, long classes)
    {
        var xy = x.gather(1, y.unsqueeze(1));     // [N, 1]
        Tensor h = Relu(Margin - T(xy) + x);      // margin - x_y + x_j, libtorch's order; gradient 0 at 0, like the kernel's z > 0 test
        if (P == 2) h = h * h;
        h = where(ClassIndexTargets.TargetMask(x, y, 1), zeros_like(h), h);
        var perSample = h.sum(1);
        if (w is not null) perSample = perSample * w.take(y);
        return perSample / S((double)classes);
    }

    /// <summary>
    /// float32/float64: one [N, C] buffer forward, one backward, hand-written gradient (see Kernels), reduced as asked
    /// (per sample for none); else null.
    /// </summary>
    Tensor? FastKernel(Tensor x, Tensor y, Tensor? w) =>
        x.dtype == ScalarType.Float32 || x.dtype == ScalarType.Float64 ? Kernels.MultiMarginFunction.apply(x, y, w!, P, Margin, Reduction) : null;

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "multi-margin",
        Title: "Multi-class margin (hinge)",
        Summary: "sum_{j != y} w_y max(0, margin - x_y + x_j)^p / C",
        Task: LossTask.MultiClass,
        ExpectedOutput: ModelOutput.Logits,
        Target: TargetEncoding.ClassIndex,
        Options:
        [
            OptionSpec.Integer("p", 1, "Exponent of the hinge.", "1 or 2", v => v == 1 || v == 2),
            OptionSpec.Real("margin", 1.0, "Required gap between the target score and every other score.",
                "any finite real number", v => !double.IsInfinity(v)),
            OptionSpec.RealVector("weight", "Per-class weights, applied by the sample's target class; unset: all 1.",
                "one finite value >= 0 per class", v => v >= 0, perClass: true),
        ],
        Reference: "torch.nn.functional.multi_margin_loss",
        InputCount: 2,
        Factory: o => new MultiMarginLoss((int)o.Integer("p"), o.Real("margin"), o.RealVector("weight"), o.Reduction));
}

/// <summary>Input and target handling shared by the margin losses over rows of class scores.</summary>
internal static class MarginInputs
{
    /// <summary>
    /// Checks input [N, C] / [C] and its class-index target, and returns the input as rows [N, C], the
    /// target as int64 [N] on the input's device, and C.
    /// </summary>
    public static (Tensor Rows, Tensor Target, long Classes) Rows(Tensor input, Tensor target, string loss)
    {
        ClassIndexTargets.ClassDim(input, loss);
        if (input.dim() > 2)
            throw new ArgumentException($"{loss}: input must be [N, C] or [C]; got {input.dim()} dimensions.");
        long classes = input.size(-1);
        if (classes == 0)
            throw new ArgumentException($"{loss}: input has 0 classes.");
        if (input.dim() == 1)
        {
            if (target.dim() > 1 || target.numel() != 1)
                throw new ArgumentException($"{loss}: a single sample [C] needs one target ([] or [1]); got shape [{string.Join(",", target.shape)}].");
            var t0 = ClassIndexTargets.CheckIndexTarget(input, target.reshape([]), 0, null, loss);
            return (input.unsqueeze(0), t0.reshape(1).to(input.device), classes);
        }
        var t = ClassIndexTargets.CheckIndexTarget(input, target, 1, null, loss);
        return (input, t.to(input.device), classes);
    }

    /// <summary>The reduction-none output shape: [N], or the target's shape ([] or [1]) for a single sample.</summary>
    public static long[] NoneShape(Tensor input, Tensor target) =>
        input.dim() == 1 ? target.shape : [input.size(0)];
}
