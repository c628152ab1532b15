using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.Regression;

/// <summary>
/// Gaussian negative log-likelihood of a target under a predicted mean and variance:
/// <c>l = 0.5 (log v + (x - y)^2 / v)</c> [+ <c>0.5 log(2 pi)</c> with <c>full</c>], where
/// <c>v = max(var, eps)</c>. Reduced by mean over all elements (default), sum or none.
/// </summary>
/// <remarks>
/// forward(input, target, var). Input: the predicted mean, any shape. Target: same shape (broadcast).
/// Var: the predicted variance (non-negative, e.g. from softplus), with the input's shape, or the
/// input's shape with last dimension 1, or the input's shape without its last dimension (then it is
/// unsqueezed, one variance per row). A negative entry is an error. The clamp to eps does not stop the
/// gradient: as in PyTorch (which clamps a clone in place under no_grad), the gradient with respect to
/// var is the unclamped formula's, evaluated at the clamped value.
/// Mirrors <c>torch.nn.functional.gaussian_nll_loss</c> of PyTorch 2.x (TorchSharp's own version reduces
/// differently, gives var no gradient and uses a float eps).
/// </remarks>
public sealed class GaussianNllLoss : CustomLoss3
{
    /// <summary>Creates the loss.</summary>
    /// <param name="full">Add the constant 0.5 log(2 pi) (default false).</param>
    /// <param name="eps">Lower clamp of the variance; &gt; 0 (default 1e-6).</param>
    /// <param name="reduction">none, mean or sum.</param>
    public GaussianNllLoss(bool full = false, double eps = 1e-6, nn.Reduction reduction = nn.Reduction.Mean)
        : base(nameof(GaussianNllLoss), reduction)
    {
        Spec.CheckArgument("eps", eps);
        Full = full;
        Eps = eps;
    }

    /// <summary>Whether the constant term is added.</summary>
    public bool Full { get; }

    /// <summary>Lower clamp of the variance.</summary>
    public double Eps { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target, Tensor variance)
    {
        using var scope = NewDisposeScope();
        var inputShape = input.shape;
        var varShape = variance.shape;
        if (!varShape.SequenceEqual(inputShape))
        {
            var inputPrefix = AllButLast(inputShape);
            if (inputPrefix.SequenceEqual(varShape))
                variance = variance.unsqueeze(-1);
            else if (varShape.Length > 0 && inputPrefix.SequenceEqual(AllButLast(varShape)) && varShape[^1] == 1)
            { /* one variance per row, broadcast over the last dimension */ }
            else
                throw new ArgumentException(
                    $"GaussianNLL: var has shape {Format(varShape)} but input has shape {Format(inputShape)}; " +
                    $"var must have the input's shape, the input's shape with last dimension 1, or the input's shape without its last dimension.");
        }
        if (HostValue.Read<bool>((T(variance) < 0.0).any()))
            throw new ArgumentException("GaussianNLL: var has negative entries; variances must be >= 0.");

        // Value: max(var, eps). Gradient: as if unclamped (variance - variance.detach() is exactly 0 but carries d/dvar = 1).
        var v = ClampMin(variance.detach(), Eps) + (variance - variance.detach());
        Term d = input - target;
        var loss = 0.5 * (Log(v) + d * d / v);
        if (Full) loss = loss + 0.5 * Math.Log(2 * Math.PI);
        return Reduce(loss).MoveToOuterDisposeScope();
    }

    static long[] AllButLast(long[] shape) => shape.Length == 0 ? shape : shape[..^1];

    static string Format(long[] shape) => "[" + string.Join(",", shape) + "]";

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "gaussian-nll",
        Title: "Gaussian negative log-likelihood",
        Summary: "0.5 (log v + (x - y)^2 / v), v = max(var, eps); full adds 0.5 log(2 pi)",
        Task: LossTask.Regression,
        ExpectedOutput: ModelOutput.RealValues,
        Target: TargetEncoding.Real,
        Options:
        [
            OptionSpec.Boolean("full", false, "Add the constant 0.5 log(2 pi)."),
            OptionSpec.Real("eps", 1e-6, "Lower clamp of the variance (the gradient passes through the clamp).", "> 0", v => v > 0 && !double.IsInfinity(v)),
        ],
        Reference: "torch.nn.functional.gaussian_nll_loss",
        InputCount: 3,
        Factory: o => new GaussianNllLoss(o.Boolean("full"), o.Real("eps"), o.Reduction));
}
