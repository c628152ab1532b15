using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace CustomLosses.Kernels;

/// <summary>
/// Sum or mean of <c>|x - t|</c>: forward <c>d = x - t</c> and one 1-norm; backward <c>sign(d) g / n</c>
/// (0 where d = 0, as <c>abs</c>'s gradient; its own derivative is 0, so double backward needs no second path).
/// vars: input, target, reduction.
/// </summary>
internal sealed class AbsoluteErrorFunction : SingleTensorFunction<AbsoluteErrorFunction>
{
    public override string Name => "L1Loss";

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var (x, t, r) = ((Tensor)vars[0], (Tensor)vars[1], (nn.Reduction)vars[2]);
        Tensor sum;
        using (var d = x - t)
            sum = d.norm(1f);                                                  // linalg.vector_norm would box ord in a temporary Scalar
        LossFunction.SaveElementWise(ctx, r, [x, t]);
        return LossFunction.Finish(sum, r, x.numel());
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        var saved = ctx.get_saved_variables();
        var (x, t) = (saved[0], saved[1]);
        var scale = LossFunction.Scale(grad_output, LossFunction.SavedReduction(ctx), x.numel());
        var sign = (x - t).sign_();
        var gx = is_grad_enabled() ? sign * scale : sign.mul_(scale);
        return LossFunction.InputAndTarget(ctx, gx, 1);
    }
}
