using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace CustomLosses.Kernels;

/// <summary>
/// Sum or mean of Huber(delta) / scale, where scale is 1 (Huber) or beta (smooth L1 with delta = beta).
/// With <c>d = x - t</c> and <c>m = clamp(d, -delta, delta)</c> (the gradient, libtorch's kernel's value at |d| = delta
/// included), Huber is <c>m (d - m / 2)</c> element by element, so the sum is <c>d.m - m.m / 2</c>: two dot products,
/// which read d and m without writing anything (forming <c>m (d - m / 2)</c> in place and summing it took three passes
/// and a write; paired with libtorch's kernel, 1.53x became 1.42x). m is saved, so backward is one pass, <c>m g / n</c>.
/// vars: input, target, delta, divisor, reduction.
/// </summary>
internal sealed class HuberFunction : SingleTensorFunction<HuberFunction>
{
    public override string Name => "HuberLoss";

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (x, t) = ((Tensor)vars[0], (Tensor)vars[1]);
        var (delta, divisor, r) = ((double)vars[2], (double)vars[3], (nn.Reduction)vars[4]);
        // m = clamp(d, -delta, delta) is the gradient; Huber(d) = m (d - m / 2) (0.5 d^2 inside, delta (|d| - delta / 2)
        // outside), summed as d.m - m.m / 2 (both terms are >= 0 and d.m >= m.m, so the difference loses no precision
        // to cancellation). m is kept for backward, which is then one pass.
        Tensor sum, m;
        using (var d = x - t)
        {
            m = d.clamp(CachedScalars.Of(-delta), CachedScalars.Of(delta));
            using var flatD = d.view(-1);
            using var flatM = m.view(-1);
            using var dm = flatD.matmul(flatM);   // matmul of two vectors is libtorch's dot; TorchSharp's dot leaves 4 finalizable objects (see TensorShape)
            using var mm = flatM.matmul(flatM);
            sum = dm.add(mm, CachedScalars.Of(-0.5));
        }
        if (divisor != 1.0) sum = sum.div_(CachedScalars.Of(divisor));
        LossFunction.SaveElementWise(ctx, r, [x, t, m]);
        ctx.save_data("div", divisor);
        ctx.save_data("delta", delta);
        return LossFunction.Finish(sum, r, x.numel());
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        var saved = ctx.get_saved_variables();
        var (x, t, m) = (saved[0], saved[1], saved[2]);
        var scale = LossFunction.Scale(grad_output, LossFunction.SavedReduction(ctx), x.numel());
        var divisor = (double)ctx.get_data("div");
        if (divisor != 1.0) scale = scale.div(CachedScalars.Of(divisor));
        // Under create_graph the saved m has no history: recompute it from x and t. m itself is never written to,
        // because backward(retain_graph: true) may run this twice.
        var gx = is_grad_enabled() ? Clamped(x, t, (double)ctx.get_data("delta")) * scale : m.mul(scale);
        return LossFunction.InputAndTarget(ctx, gx, 3);
    }

    /// <summary><c>clamp(x - t, -delta, delta)</c>, clamped in place in the difference's buffer.</summary>
    static Tensor Clamped(Tensor x, Tensor t, double delta) => (x - t).clamp_(CachedScalars.Of(-delta), CachedScalars.Of(delta));
}
