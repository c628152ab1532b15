using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace CustomLosses.Kernels;

/// <summary>
/// Sum or mean of Huber(delta) / scale, where scale is 1 (Huber) or beta (smooth L1 with delta = beta).
/// With <c>a = |x - t|</c> and <c>u = min(a, delta)</c>, Huber is <c>u (a - u / 2)</c> element by element
/// (0.5 a^2 inside, delta (a - delta / 2) outside), computed in place in two temporaries. The gradient is
/// <c>clamp(x - t, -delta, delta)</c>, recomputed in one buffer in backward (libtorch's kernel's value at
/// |d| = delta included). vars: input, target, delta, divisor, reduction.
/// </summary>
internal sealed class HuberFunction : SingleTensorFunction<HuberFunction>
{
    public override string Name => "HuberLoss";

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (x, t) = ((Tensor)vars[0], (Tensor)vars[1]);
        var (delta, divisor, r) = ((double)vars[2], (double)vars[3], (nn.Reduction)vars[4]);
        Tensor sum;
        using (var a = (x - t).abs_())
        using (var u = a.clamp_max(CachedScalars.Of(delta)))
            sum = u.mul(a.add_(u, CachedScalars.Of(-0.5))).sum();
        if (divisor != 1.0) sum = sum.div_(CachedScalars.Of(divisor));
        ctx.save_for_backward([x, t]);
        ctx.save_data("r", r);
        ctx.save_data("div", divisor);
        ctx.save_data("delta", delta);
        ctx.save_data("gx", x.requires_grad);
        ctx.save_data("gt", t.requires_grad);
        return LossFunction.Finish(sum, r, x.numel());
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        var saved = ctx.get_saved_variables();
        var (x, t) = (saved[0], saved[1]);
        var scale = LossFunction.Scale(grad_output, (nn.Reduction)ctx.get_data("r"), x.numel());
        var divisor = (double)ctx.get_data("div");
        if (divisor != 1.0) scale = scale.div(CachedScalars.Of(divisor));
        var delta = (double)ctx.get_data("delta");
        var (lo, hi) = (CachedScalars.Of(-delta), CachedScalars.Of(delta));
        var d = x - t;
        var gx = is_grad_enabled() ? d.clamp(lo, hi) * scale : d.clamp_(lo, hi).mul_(scale);
        return LossFunction.InputAndTarget(gx, (bool)ctx.get_data("gx"), (bool)ctx.get_data("gt"), 3);
    }
}
