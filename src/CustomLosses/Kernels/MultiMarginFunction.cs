using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace CustomLosses.Kernels;

/// <summary>
/// PyTorch's multi-class margin loss on [N, C]: <c>h = relu(margin - x[y] + x)</c> with the target column
/// zeroed (one buffer, in place), per row <c>w[y] sum_j h^p / C</c>. Backward in one buffer:
/// <c>sign(h)</c> (p = 1) or <c>2 h</c> (p = 2) times the row's coefficient, minus its row sum at the target
/// column. The gradient is 0 where <c>margin - x[y] + x[j]</c> is exactly 0, as in libtorch's kernel.
/// vars: input [N, C], target int64 [N], weight or null, p, margin, reduction.
/// </summary>
internal sealed class MultiMarginFunction : SingleTensorFunction<MultiMarginFunction>
{
    public override string Name => "MultiMarginLoss";

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (x, y, w) = ((Tensor)vars[0], (Tensor)vars[1], vars[2] as Tensor);
        var (p, margin, r) = ((int)vars[3], (double)vars[4], (nn.Reduction)vars[5]);
        long classes = x.size(1);
        var y1 = y.unsqueeze(1);
        var h = Hinges(x, y1, margin, inPlace: true);
        var rows = p == 1 ? h.sum(1) : h.pow(CachedScalars.Of(2L)).sum(1);   // square() is pow(2) with a temporary 2
        var wy = w?.take(y);
        if (wy is not null) rows = rows.mul_(wy);
        var perSample = rows.div_(CachedScalars.Of((double)classes));
        ctx.save_for_backward([x, h, y1, wy!]);
        ctx.save_data("r", r);
        ctx.save_data("p", p);
        ctx.save_data("margin", margin);
        return r switch
        {
            nn.Reduction.None => perSample,
            nn.Reduction.Sum => perSample.sum(),
            _ => perSample.mean(),
        };
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        var s = ctx.get_saved_variables();
        var (x, h, y1, wy) = (s[0], s[1], s[2], s[3]);
        var r = (nn.Reduction)ctx.get_data("r");
        int p = (int)ctx.get_data("p");
        long n = h.size(0), classes = h.size(1);
        var c = grad_output.div(CachedScalars.Of(r == nn.Reduction.Mean ? (double)(n * classes) : classes));
        if (wy is not null && !wy.IsInvalid) c = c * wy;
        if (c.dim() == 1) c = c.unsqueeze(1);                                     // per row [N, 1]
        Tensor gx;
        if (is_grad_enabled())
        {
            // The saved hinges have no history: recompute them from x so that 2 h (p = 2) differentiates.
            var hx = Hinges(x, y1, (double)ctx.get_data("margin"), inPlace: false);
            gx = p == 1 ? hx.sign() * c : hx * (c * CachedScalars.Of(2.0));
            gx = gx.scatter(1, y1, gx.sum(1, keepdim: true).neg());
        }
        else
        {
            gx = p == 1 ? h.sign().mul_(c) : h.mul(c.mul(CachedScalars.Of(2.0)));
            gx.scatter_(1, y1, gx.sum(1, keepdim: true).neg_());
        }
        return [gx, null!, null!, null!, null!, null!];
    }

    /// <summary><c>relu((margin - x[y]) + x)</c> (libtorch's order of operations) with the target column set to 0.</summary>
    static Tensor Hinges(Tensor x, Tensor y1, double margin, bool inPlace)
    {
        var m = CachedScalars.Of(margin);
        if (inPlace)
        {
            var h = x.gather(1, y1).neg_().add_(m, CachedScalars.One).add(x, CachedScalars.One).relu_();
            return h.scatter_(1, y1, LossFunction.Zero(h).expand(y1.size(0), 1));
        }
        var hx = x.gather(1, y1).neg().add(m, CachedScalars.One).add(x, CachedScalars.One).relu();
        return hx.scatter(1, y1, LossFunction.Zero(hx).expand(y1.size(0), 1));
    }
}
