using CustomLosses;
using CustomLosses.Catalog;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Training;

/// <summary>
/// libtorch's own loss modules, built from the same registry options as their custom twins, so that an
/// experiment can train with "builtin:cross-entropy" next to "cross-entropy" and show they train identically.
/// TorchSharp's differing defaults are overridden explicitly (KLDiv's log_target, NLL's ignore_index).
/// </summary>
public static class BuiltInLossFactory
{
    /// <summary>The prefix that selects a built-in in a config.</summary>
    public const string Prefix = "builtin:";

    /// <summary>Registry names that have a built-in usable for training.</summary>
    public static readonly string[] Supported =
        ["cross-entropy", "nll", "mse", "l1", "huber", "smooth-l1", "bce", "bce-with-logits", "multi-margin", "kl-div"];

    /// <summary>Builds the built-in for a registry name and resolved options.</summary>
    public static nn.Module<Tensor, Tensor, Tensor> Create(string name, ResolvedLossOptions o)
    {
        var r = o.Reduction;
        double[]? Vector(string option) => o.RealVector(option);
        var weight = new DeviceTensor(Vector("weight"));
        var posWeight = new DeviceTensor(o.Values.ContainsKey("pos_weight") ? Vector("pos_weight") : null);
        return name switch
        {
            "cross-entropy" => new FunctionLoss((x, y) => nn.functional.cross_entropy(x, y, weight.Like(x), o.OptionalInteger("ignore_index") ?? -100, r, o.Real("label_smoothing"))),
            "nll" => new FunctionLoss((x, y) => Nll(x, y, weight.Like(x), o.OptionalInteger("ignore_index") ?? -100, r)),
            "mse" => nn.MSELoss(r),
            "l1" => nn.L1Loss(r),
            "huber" => nn.HuberLoss(o.Real("delta"), r),
            "smooth-l1" => nn.SmoothL1Loss(r, o.Real("beta")),
            "bce" => new FunctionLoss((x, y) => nn.functional.binary_cross_entropy(x, y, weight.Like(x), r)),
            "bce-with-logits" => new FunctionLoss((x, y) => nn.functional.binary_cross_entropy_with_logits(x, y, weight.Like(x), r, posWeight.Like(x))),
            "multi-margin" => new FunctionLoss((x, y) => nn.functional.multi_margin_loss(x, y, (int)o.Integer("p"), o.Real("margin"), weight.Like(x), r)),
            "kl-div" => new FunctionLoss((x, y) => KlDiv(x, y, o.Boolean("log_target"), o.Boolean("batchmean"), r)),
            _ => throw new ExperimentSetupException($"loss '{Prefix}{name}' is not available: built-ins exist for {string.Join(", ", Supported)}."),
        };
    }

    /// <summary>
    /// An optional option tensor, materialized once per device and dtype: TorchSharp's built-in losses do not
    /// move their weight with the module.
    /// </summary>
    sealed class DeviceTensor(double[]? values)
    {
        Tensor? cached;

        public Tensor? Like(Tensor x)
        {
            if (values is null) return null;
            if (cached is null || cached.device_type != x.device_type || cached.device_index != x.device_index || cached.dtype != x.dtype)
            {
                cached?.Dispose();
                cached = tensor(values, dtype: x.dtype, device: x.device).DetachFromDisposeScope();
            }
            return cached;
        }
    }

    // TorchSharp's NLL binding has no ignore_index: cross_entropy on log-probabilities is NLL (log_softmax is
    // idempotent on log-probabilities) and carries it.
    static Tensor Nll(Tensor logProbabilities, Tensor target, Tensor? weight, long ignoreIndex, nn.Reduction r) =>
        nn.functional.cross_entropy(logProbabilities, target, weight, ignoreIndex, r);

    static Tensor KlDiv(Tensor input, Tensor target, bool logTarget, bool batchMean, nn.Reduction r) =>
        batchMean && r == nn.Reduction.Mean
            ? nn.functional.kl_div(input, target, logTarget, nn.Reduction.Sum) / CachedScalars.Of(input.shape[0])
            : nn.functional.kl_div(input, target, logTarget, r);

    /// <summary>A two-input loss module around a function.</summary>
    sealed class FunctionLoss(Func<Tensor, Tensor, Tensor> f) : nn.Module<Tensor, Tensor, Tensor>("BuiltInLoss")
    {
        public override Tensor forward(Tensor input, Tensor target) => f(input, target);
    }
}
