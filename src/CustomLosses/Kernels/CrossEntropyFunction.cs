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
        var (keep, safe, wy) = ClassIndexRows.Of(x, y, w, ignore);
        var zero = LossFunction.Zero(x);
        var lse = x.logsumexp(1);                                                 // [N]
        var xy = x.gather(1, safe).squeeze(1);                                     // [N]
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
        var s = ctx.get_saved_variables();
        var (x, lse, safe, wy, keep, den) = (s[0], s[1], s[2], s[3], s[4], s[5]);
        var c = ClassIndexRows.Coefficients(grad_output, (nn.Reduction)ctx.get_data("r"), wy, keep, den);   // [N, 1]
        Tensor gx;
        if (is_grad_enabled())
            gx = (x.softmax(1) * c).scatter_add(1, safe, c.neg());                 // lse from forward has no history
        else
        {
            gx = (x - lse.unsqueeze(1)).exp_().mul_(c);
            gx.scatter_add_(1, safe, c.neg());
        }
        return [gx, null!, null!, null!, null!];
    }
}
