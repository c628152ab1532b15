using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace CustomLosses.Kernels;

/// <summary>
/// Cross-entropy on logits [N, C] with class-index targets (optional class weights and ignore_index, no label
/// smoothing). Forward: libtorch's fused log-softmax (one [N, C] buffer, kept for backward) and one gather; never a
/// one-hot, a gather gradient or a log-softmax backward. Backward in one buffer: <c>exp(log_softmax(x)) c</c>, then
/// <c>-c</c> added at each row's target, where
/// <c>c_i = w[y_i] g_i</c> (divided by <c>sum w[y]</c> for the mean) and 0 for ignored rows.
/// vars: input, target (int64 [N], already checked), weight or null, ignore_index, reduction, and whether every row
/// counts with weight 1 (no class weights, no target equal to ignore_index).
/// </summary>
/// <remarks>The every-row-counts case, the usual one, skips the row bookkeeping: see <see cref="ClassIndexRows.EveryRowCounts"/>.</remarks>
internal sealed class CrossEntropyFunction : SingleTensorFunction<CrossEntropyFunction>
{
    public override string Name => "CrossEntropyLoss";

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (x, y, w) = ((Tensor)vars[0], (Tensor)vars[1], vars[2] as Tensor);
        var (ignore, r, everyRow) = ((long)vars[3], (nn.Reduction)vars[4], (bool)vars[5]);
        ClassIndexRows.SaveReduction(ctx, r, everyRow);
        var logp = x.log_softmax(1);                                               // [N, C], libtorch's fused kernel
        if (everyRow)
        {
            var target = y.unsqueeze(1);
            ctx.save_for_backward([x, logp, target]);
            return ClassIndexRows.ReduceEveryRow(logp.gather(1, target).squeeze(1).neg_(), r);
        }
        var (keep, safe, wy) = ClassIndexRows.Of(x, y, w, ignore);
        var perSample = where(keep, (wy * logp.gather(1, safe).squeeze(1)).neg_(), LossFunction.Zero(x));
        var den = wy.sum();
        ctx.save_for_backward([x, logp, safe, wy, keep, den]);
        return ClassIndexRows.Reduce(perSample, r, den);
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        var s = ctx.get_saved_variables();
        var (x, logp, safe) = (s[0], s[1], s[2]);
        long rows = x.size(0);
        var c = ClassIndexRows.SavedCoefficients(ctx, grad_output, rows, s, 3);    // [N, 1], or 0-d for mean and sum of every row
        var minusC = c.neg().expand(rows, 1);                                      // scatter_add takes the expanded view
        Tensor gx;
        if (is_grad_enabled())
            gx = (x.softmax(1) * c).scatter_add(1, safe, minusC);                  // the saved log-softmax has no history
        else
        {
            // A fresh buffer, not exp_ on the saved tensor: backward(retain_graph: true) may run this twice.
            gx = logp.exp().mul_(c);
            gx.scatter_add_(1, safe, minusC);
        }
        return [gx, null!, null!, null!, null!, null!];
    }
}
