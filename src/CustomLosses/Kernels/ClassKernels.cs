using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace CustomLosses.Kernels;

/// <summary>
/// Cross-entropy on logits [N, C] with class-index targets (optional class weights and ignore_index, no label
/// smoothing). Forward: per-row <c>logsumexp(x) - x[y]</c>, never a [N, C] log-softmax, one-hot or gather
/// gradient; backward in one buffer: <c>softmax(x) c</c>, then <c>-c</c> added at each row's target, where
/// <c>c_i = w[y_i] g_i</c> (divided by <c>sum w[y]</c> for the mean) and 0 for ignored rows.
/// vars: input, target (int64 [N], already checked), weight or null, ignore_index, reduction.
/// </summary>
internal sealed class CrossEntropyFunction : SingleTensorFunction<CrossEntropyFunction>
{
    public override string Name => "CrossEntropyLoss";

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (x, y, w) = ((Tensor)vars[0], (Tensor)vars[1], vars[2] as Tensor);
        var (ignore, r) = ((long)vars[3], (nn.Reduction)vars[4]);
        var keep = y.ne(ignore);
        var safe = y.masked_fill(keep.logical_not(), 0).unsqueeze(1);              // [N, 1]
        var lse = x.logsumexp(1);                                                 // [N]
        var xy = x.gather(1, safe).squeeze(1);                                     // [N]
        var zero = zeros(1, dtype: x.dtype, device: x.device);
        var wy = w is null ? keep.to(x.dtype) : where(keep, w.take(safe.squeeze(1)), zero);
        var perSample = where(keep, wy * (lse - xy), zero);
        var den = wy.sum();
        ctx.save_for_backward([x, lse, safe, wy, keep, den]);
        ctx.save_data("r", r);
        return r switch
        {
            nn.Reduction.None => perSample,
            nn.Reduction.Sum => perSample.sum(),
            _ => perSample.sum() / den,
        };
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        LossFunction.FirstOrderOnly(Name);
        var s = ctx.get_saved_variables();
        var (x, lse, safe, wy, keep, den) = (s[0], s[1], s[2], s[3], s[4], s[5]);
        var c = (nn.Reduction)ctx.get_data("r") switch
        {
            nn.Reduction.Mean => wy * (grad_output / den),
            _ => wy * grad_output,
        };
        c = where(keep, c, zeros(1, dtype: c.dtype, device: c.device)).unsqueeze(1);                // [N, 1]; 0 even when den = 0
        var gx = (x - lse.unsqueeze(1)).exp_().mul_(c);
        gx.scatter_add_(1, safe, c.neg());
        return [gx, null!, null!, null!, null!];
    }
}

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
        long classes = x.shape[1];
        var y1 = y.unsqueeze(1);
        var h = x.gather(1, y1).neg_().add_(margin).add(x).relu_();              // (margin - x_y) + x_j, libtorch's order
        h.scatter_(1, y1, zeros(y1.shape, dtype: h.dtype, device: h.device));
        var rows = p == 1 ? h.sum(1) : h.square().sum(1);
        var wy = w?.take(y);
        if (wy is not null) rows = rows.mul_(wy);
        var perSample = rows.div_((double)classes);
        ctx.save_for_backward([h, y1, wy!]);
        ctx.save_data("r", r);
        ctx.save_data("p", p);
        return r switch
        {
            nn.Reduction.None => perSample,
            nn.Reduction.Sum => perSample.sum(),
            _ => perSample.mean(),
        };
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        LossFunction.FirstOrderOnly(Name);
        var s = ctx.get_saved_variables();
        var (h, y1, wy) = (s[0], s[1], s[2]);
        var r = (nn.Reduction)ctx.get_data("r");
        int p = (int)ctx.get_data("p");
        long n = h.shape[0], classes = h.shape[1];
        var c = r == nn.Reduction.Mean ? grad_output / (double)(n * classes) : grad_output / (double)classes;
        if (wy is not null && !wy.IsInvalid) c = c * wy;
        if (c.dim() == 1) c = c.unsqueeze(1);                                     // per row [N, 1]
        var gx = p == 1 ? h.sign().mul_(c) : h.mul(c * 2.0);
        gx.scatter_(1, y1, gx.sum(1, keepdim: true).neg_());
        return [gx, null!, null!, null!, null!, null!];
    }
}

/// <summary>
/// Binary cross-entropy on logits (no weight, no pos_weight; same shapes): per element
/// <c>(1 - t) x - logsigmoid(x)</c>, formed in place in the log-sigmoid buffer and summed; backward
/// <c>(sigmoid(x) - t) g / n</c> in one buffer (and <c>-x g / n</c> for a target that requires grad).
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
            sum = loss.neg_().addcmul_(t, x, -1).add_(x).sum();
        ctx.save_for_backward([x, t]);
        ctx.save_data("r", r);
        ctx.save_data("gx", x.requires_grad);
        ctx.save_data("gt", t.requires_grad);
        return LossFunction.Finish(sum, r, x.numel());
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        LossFunction.FirstOrderOnly(Name);
        var s = ctx.get_saved_variables();
        var (x, t) = (s[0], s[1]);
        var scale = LossFunction.Scale(grad_output, (nn.Reduction)ctx.get_data("r"), x.numel());
        var gx = (bool)ctx.get_data("gx") ? x.sigmoid().sub_(t).mul_(scale) : null!;
        var gt = (bool)ctx.get_data("gt") ? x.mul(scale).neg_() : null!;
        return [gx, gt, null!];
    }
}

/// <summary>
/// Negative log-likelihood on log-probabilities [N, C] with class-index targets (optional weights and
/// ignore_index): forward one gather over [N]; backward one zero [N, C] buffer with <c>-c</c> written at each
/// row's target (<c>c_i = w[y_i] g_i</c>, over <c>sum w[y]</c> for the mean, 0 for ignored rows).
/// vars: input, target (int64 [N], already checked), weight or null, ignore_index, reduction.
/// </summary>
internal sealed class NllFunction : SingleTensorFunction<NllFunction>
{
    public override string Name => "NLLLoss";

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (x, y, w) = ((Tensor)vars[0], (Tensor)vars[1], vars[2] as Tensor);
        var (ignore, r) = ((long)vars[3], (nn.Reduction)vars[4]);
        var keep = y.ne(ignore);
        var safe = y.masked_fill(keep.logical_not(), 0).unsqueeze(1);              // [N, 1]
        var zero = zeros(1, dtype: x.dtype, device: x.device);
        var xy = x.gather(1, safe).squeeze(1);                                     // [N]
        var wy = w is null ? keep.to(x.dtype) : where(keep, w.take(safe.squeeze(1)), zero);
        var perSample = where(keep, (wy * xy).neg_(), zero);
        var den = wy.sum();
        ctx.save_for_backward([x, safe, wy, keep, den]);
        ctx.save_data("r", r);
        return r switch
        {
            nn.Reduction.None => perSample,
            nn.Reduction.Sum => perSample.sum(),
            _ => perSample.sum() / den,
        };
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        LossFunction.FirstOrderOnly(Name);
        var s = ctx.get_saved_variables();
        var (x, safe, wy, keep, den) = (s[0], s[1], s[2], s[3], s[4]);
        var c = (nn.Reduction)ctx.get_data("r") switch
        {
            nn.Reduction.Mean => wy * (grad_output / den),
            _ => wy * grad_output,
        };
        c = where(keep, c, zeros(1, dtype: c.dtype, device: c.device)).neg_().unsqueeze(1);
        var gx = zeros_like(x).scatter_(1, safe, c);
        return [gx, null!, null!, null!, null!];
    }
}
