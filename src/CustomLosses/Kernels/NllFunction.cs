using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace CustomLosses.Kernels;

/// <summary>
/// Negative log-likelihood on log-probabilities [N, C] with class-index targets (optional weights and
/// ignore_index): forward one gather over [N]; backward one zero [N, C] buffer with <c>-c</c> written at each
/// row's target (<c>c_i = w[y_i] g_i</c>, over <c>sum w[y]</c> for the mean, 0 for ignored rows). The gradient
/// does not depend on the input, so the same backward serves double backward. This is libtorch's nll_loss gradient bit for
/// bit, which is why cross-entropy's fast path is libtorch's log_softmax followed by this function.
/// vars: input, target (int64 [N], already checked), weight or null, ignore_index, reduction, and whether every row
/// counts with weight 1 (then the row bookkeeping is skipped: see <see cref="ClassIndexRows.EveryRowCounts"/>).
/// </summary>
internal sealed class NllFunction : SingleTensorFunction<NllFunction>
{
    public override string Name => "NLLLoss";

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (x, y, w) = ((Tensor)vars[0], (Tensor)vars[1], vars[2] as Tensor);
        var (ignore, r, everyRow) = ((long)vars[3], (nn.Reduction)vars[4], (bool)vars[5]);
        ClassIndexRows.SaveReduction(ctx, r, everyRow);
        if (everyRow)
        {
            var target = y.unsqueeze(1);
            ctx.save_for_backward([x, target]);
            return ClassIndexRows.ReduceEveryRow(x.gather(1, target).squeeze(1).neg_(), r);
        }
        var (keep, safe, wy) = ClassIndexRows.Of(x, y, w, ignore);
        var xy = x.gather(1, safe).squeeze(1);                                     // [N]
        var perSample = where(keep, (wy * xy).neg_(), LossFunction.Zero(x));
        var den = wy.sum();
        ctx.save_for_backward([x, safe, wy, keep, den]);
        return ClassIndexRows.Reduce(perSample, r, den);
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        var s = ctx.get_saved_variables();
        var (x, safe) = (s[0], s[1]);
        long rows = x.size(0);
        var c = ClassIndexRows.SavedCoefficients(ctx, grad_output, rows, s, 2);    // [N, 1], or 0-d for mean and sum of every row
        // In place: differentiable in c all the same. scatter_ takes the expanded view of a 0-d c.
        var gx = zeros_like(x).scatter_(1, safe, c.neg().expand(rows, 1));
        return [gx, null!, null!, null!, null!, null!];
    }
}
