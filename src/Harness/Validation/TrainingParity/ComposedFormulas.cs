using CustomLosses;
using static TorchSharp.torch;

namespace Harness.Validation.TrainingParity;

/// <summary>
/// For the losses without a libtorch twin, the loss at its default options written again from tensor operations, as
/// plainly as the definition reads (the formulas of each check's <see cref="LossCheck.Reference"/>): the reference a
/// parity run trains them against, in float64. Inputs are the problem's: model output (after the spec's activation),
/// then target. Mean reduction.
/// </summary>
internal static class ComposedFormulas
{
    static Tensor Minus(double c, Tensor t) => t.neg().add(CachedScalars.Of(c), CachedScalars.One);
    static Tensor Scaled(Tensor t, double c) => t.mul(CachedScalars.Of(c));

    /// <summary>The composed formula for <paramref name="loss"/>, or null when there is none.</summary>
    public static Func<Tensor[], Tensor>? For(string loss) => loss switch
    {
        "log-cosh" => x => x[0].sub(x[1]).cosh().log().mean(),
        "quantile" => x =>
        {
            var d = x[1].sub(x[0]);                                                  // tau 0.5: max(tau d, (tau - 1) d)
            return maximum(Scaled(d, 0.5), Scaled(d, -0.5)).mean();
        }
        ,
        "hinge" => x => Minus(1.0, x[1].mul(x[0])).relu().mean(),
        "squared-hinge" => x =>
        {
            var h = Minus(1.0, x[1].mul(x[0])).relu();
            return h.mul(h).mean();
        }
        ,
        "crammer-singer" => x =>
        {
            var y = x[1].unsqueeze(1);
            var others = x[0].scatter(1, y, full_like(y, CachedScalars.Of(double.NegativeInfinity), dtype: x[0].dtype));
            return others.amax(1).sub(x[0].gather(1, y).squeeze(1)).add(CachedScalars.Of(1.0), CachedScalars.One).relu().mean();
        }
        ,
        "focal" => x =>
        {
            var logpY = TargetLogProbability(x);                                      // gamma 2: -(1 - p_y)^2 log p_y
            var w = Minus(1.0, logpY.exp());
            return w.mul(w).mul(logpY).neg().mean();
        }
        ,
        "gce" => x => Scaled(Minus(1.0, Scaled(TargetLogProbability(x), 0.7).exp()), 1 / 0.7).mean(),   // q 0.7: (1 - p_y^q) / q
        "mae-prob" => x => x[0].softmax(1).sub(OneHot(x)).abs().sum(1).mean(),
        "sce" => x =>
        {
            // alpha 0.1, beta 1, A -4: alpha CE + beta RCE, RCE = -sum_j clamp(p_j, 1e-7, 1) log(clamp(onehot_j, e^A, 1)) = -A sum_{j != y} clamp(p_j).
            var p = x[0].softmax(1).clamp(CachedScalars.Of(1e-7), CachedScalars.Of(1.0));
            var offTarget = p.mul(Minus(1.0, OneHot(x))).sum(1);
            return Scaled(TargetLogProbability(x), -0.1).add(Scaled(offTarget, 4.0), CachedScalars.One).mean();
        }
        ,
        "poly1" => x =>
        {
            var logpY = TargetLogProbability(x);                                      // epsilon 1: CE + (1 - p_y)
            return logpY.neg().add(Minus(1.0, logpY.exp()), CachedScalars.One).mean();
        }
        ,
        _ => null,
    };

    static Tensor TargetLogProbability(Tensor[] x) => x[0].log_softmax(1).gather(1, x[1].unsqueeze(1)).squeeze(1);

    static Tensor OneHot(Tensor[] x)
    {
        var index = x[1].unsqueeze(1);
        return zeros_like(x[0]).scatter(1, index, ones_like(index, dtype: x[0].dtype));
    }
}
