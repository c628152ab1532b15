using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace CustomLosses.Kernels;

/// <summary>
/// Binary cross-entropy on logits (no weight, no pos_weight; same shapes): per element
/// <c>(1 - t) x - logsigmoid(x)</c>, formed in place in the log-sigmoid buffer and summed; backward
/// <c>(sigmoid(x) - t) g / n</c> in one buffer, in libtorch's order of operations (the same bits) (and <c>-x g / n</c> for a target that requires grad).
/// vars: input, target, reduction.
/// </summary>
internal sealed class BceWithLogitsFunction : SingleTensorFunction<BceWithLogitsFunction>
{
    public override string Name => "BCEWithLogitsLoss";

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (x, t, r) = ((Tensor)vars[0], (Tensor)vars[1], (nn.Reduction)vars[2]);
        Tensor sum;
        using (var loss = nn.functional.logsigmoid(x))
            sum = loss.neg_().addcmul_(t, x, CachedScalars.Of(-1.0)).add_(x, CachedScalars.One).sum();
        LossFunction.SaveElementWise(ctx, r, [x, t]);
        return LossFunction.Finish(sum, r, x.numel());
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        var s = ctx.get_saved_variables();
        var (x, t) = (s[0], s[1]);
        var reduction = LossFunction.SavedReduction(ctx);
        var scale = LossFunction.Scale(grad_output, reduction, x.numel());
        // libtorch's order, (sigmoid(x) - t) g, then / n for the mean, rather than one multiply by g / n: 1 / n is not
        // exact for most n, and rounding it first put about a third of the elements one ulp off libtorch's gradient
        // (rounding-level in training, results/validation/training-parity.md, but no longer bit-identical).
        // sigmoid's backward needs its output, so under create_graph it must not be modified in place.
        var gx = !(bool)ctx.get_data("gx") ? null!
            : is_grad_enabled() ? LossFunction.Finish((x.sigmoid() - t) * grad_output, reduction, x.numel())
            : LossFunction.Finish(x.sigmoid().sub_(t).mul_(grad_output), reduction, x.numel());
        var gt = (bool)ctx.get_data("gt") ? (x * scale).neg_() : null!;
        return [gx, gt, null!];
    }
}
