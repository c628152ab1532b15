using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace CustomLosses.Kernels;

/// <summary>
/// Sum or mean of <c>(x - t)^2</c>. Forward: <c>d = x - t</c> (a temporary), squared in place and summed, no second
/// buffer; backward recomputes <c>(x - t) * 2 g / n</c> in place in one fresh buffer. Every full-size
/// allocation counts here: on this project's VM a fresh 4 MB buffer costs more in page faults than a pass
/// over it. (Not <c>dot(d, d)</c> nor the 2-norm: both were far slower than an in-place square and a sum on the 2-core machine.)
/// vars: input, target, reduction.
/// </summary>
internal sealed class SquaredErrorFunction : SingleTensorFunction<SquaredErrorFunction>
{
    public override string Name => "MseLoss";

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (x, t, r) = ((Tensor)vars[0], (Tensor)vars[1], (nn.Reduction)vars[2]);
        Tensor sum;
        using (var d = x - t)
            sum = d.mul_(d).sum();
        ctx.save_for_backward([x, t]);
        ctx.save_data("r", r);
        ctx.save_data("gx", x.requires_grad);
        ctx.save_data("gt", t.requires_grad);
        return LossFunction.Finish(sum, r, x.numel());
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        LossFunction.FirstOrderOnly(Name);
        var saved = ctx.get_saved_variables();
        var (x, t) = (saved[0], saved[1]);
        var scale = LossFunction.Scale(grad_output, (nn.Reduction)ctx.get_data("r"), x.numel()) * 2.0;
        return LossFunction.InputAndTarget((x - t).mul_(scale), (bool)ctx.get_data("gx"), (bool)ctx.get_data("gt"), 1);
    }
}

/// <summary>
/// Sum or mean of <c>|x - t|</c>: forward <c>d = x - t</c> and one 1-norm; backward <c>sign(d) g / n</c>
/// (0 where d = 0, as <c>abs</c>'s gradient). vars: input, target, reduction.
/// </summary>
internal sealed class AbsoluteErrorFunction : SingleTensorFunction<AbsoluteErrorFunction>
{
    public override string Name => "L1Loss";

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (x, t, r) = ((Tensor)vars[0], (Tensor)vars[1], (nn.Reduction)vars[2]);
        Tensor sum;
        using (var d = x - t)
            sum = linalg.vector_norm(d, 1);
        var loss = LossFunction.Finish(sum, r, x.numel());
        ctx.save_for_backward([x, t]);
        ctx.save_data("r", r);
        ctx.save_data("gx", x.requires_grad);
        ctx.save_data("gt", t.requires_grad);
        return loss;
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        LossFunction.FirstOrderOnly(Name);
        var saved = ctx.get_saved_variables();
        var (x, t) = (saved[0], saved[1]);
        var scale = LossFunction.Scale(grad_output, (nn.Reduction)ctx.get_data("r"), x.numel());
        return LossFunction.InputAndTarget((x - t).sign_().mul_(scale), (bool)ctx.get_data("gx"), (bool)ctx.get_data("gt"), 1);
    }
}

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
        using (var u = a.clamp_max(delta))
            sum = u.mul(a.add_(u, -0.5)).sum();
        if (divisor != 1.0) sum = sum.div_(divisor);
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
        LossFunction.FirstOrderOnly(Name);
        var saved = ctx.get_saved_variables();
        var (x, t) = (saved[0], saved[1]);
        var scale = LossFunction.Scale(grad_output, (nn.Reduction)ctx.get_data("r"), x.numel());
        var divisor = (double)ctx.get_data("div");
        if (divisor != 1.0) scale = scale / divisor;
        var delta = (double)ctx.get_data("delta");
        return LossFunction.InputAndTarget((x - t).clamp_(-delta, delta).mul_(scale), (bool)ctx.get_data("gx"), (bool)ctx.get_data("gt"), 3);
    }
}
