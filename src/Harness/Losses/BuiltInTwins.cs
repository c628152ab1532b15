using CustomLosses;
using CustomLosses.Catalog;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Losses;

/// <summary>
/// A registry loss's libtorch (or torchvision) twin: its name, from the loss's <see cref="LossSpec.Reference"/>, and
/// how to build it from the same resolved options as the custom loss. Validation compares against it; experiments
/// train with it as <c>builtin:&lt;name&gt;</c> where <see cref="OfferedForTraining"/>.
/// </summary>
/// <param name="Spec">The registry loss it mirrors.</param>
/// <param name="OfferedForTraining">True when experiments accept <c>builtin:&lt;name&gt;</c>; the others serve validation only.</param>
/// <param name="Factory">Builds the twin module (two or three inputs, as the custom loss takes) from checked options.</param>
public sealed record BuiltInTwin(LossSpec Spec, bool OfferedForTraining, Func<ResolvedLossOptions, nn.Module> Factory)
{
    /// <summary>The built-in's name for reports ("torch.nn.functional.huber_loss"): the spec's reference.</summary>
    public string Name => Spec.Reference;

    /// <summary>Builds the twin from options resolved for <see cref="Spec"/>.</summary>
    public nn.Module Create(ResolvedLossOptions options) => Factory(options);
}

/// <summary>
/// The one table of built-in twins, keyed by registry name. Which loss has a twin, and the twin's name, is its
/// <see cref="LossSpec.Reference"/> (a test keeps the two in step); how to call the twin is here. TorchSharp's
/// differing defaults are overridden explicitly (KLDiv's log_target, NLL's ignore_index), and option tensors
/// (weights) are materialized with the dtype and device of the input, once per module.
/// </summary>
public static class BuiltInTwins
{
    // Built-ins offered to experiments come first, in the order messages list them.
    static readonly (string Loss, bool Training, Func<ResolvedLossOptions, nn.Module> Factory)[] Table =
    [
        ("cross-entropy", true, o =>
        {
            var weight = new DeviceTensor(o.RealVector("weight"));
            return Two(o, (x, y, r) =>
                nn.functional.cross_entropy(x, y, weight.Like(x), o.OptionalInteger("ignore_index") ?? -100, r, o.Real("label_smoothing")), weight);
        }),
        ("nll", true, o =>
        {
            var weight = new DeviceTensor(o.RealVector("weight"));
            return Two(o, (x, y, r) => Nll(x, y, weight.Like(x), o.OptionalInteger("ignore_index") ?? -100, r), weight);
        }),
        ("mse", true, o => Two(o, (x, y, r) => nn.functional.mse_loss(x, y, r))),
        ("l1", true, o => Two(o, (x, y, r) => nn.functional.l1_loss(x, y, r))),
        ("huber", true, o => Two(o, (x, y, r) => nn.functional.huber_loss(x, y, o.Real("delta"), r))),
        ("smooth-l1", true, o => Two(o, (x, y, r) => nn.functional.smooth_l1_loss(x, y, r, o.Real("beta")))),
        ("bce", true, o =>
        {
            var weight = new DeviceTensor(o.RealVector("weight"));
            return Two(o, (x, y, r) => nn.functional.binary_cross_entropy(x, y, weight.Like(x), r), weight);
        }),
        ("bce-with-logits", true, o =>
        {
            var weight = new DeviceTensor(o.RealVector("weight"));
            var posWeight = new DeviceTensor(o.RealVector("pos_weight"));
            return Two(o, (x, y, r) => nn.functional.binary_cross_entropy_with_logits(x, y, weight.Like(x), r, posWeight.Like(x)), weight, posWeight);
        }),
        ("multi-margin", true, o =>
        {
            var weight = new DeviceTensor(o.RealVector("weight"));
            return Two(o, (x, y, r) => nn.functional.multi_margin_loss(x, y, (int)o.Integer("p"), o.Real("margin"), weight.Like(x), r), weight);
        }),
        ("kl-div", true, o => Two(o, (x, y, r) => KlDiv(x, y, o.Boolean("log_target"), o.Boolean("batchmean"), r))),
        ("gaussian-nll", false, o => Three(o, (x, y, v, r) => nn.functional.gaussian_nll_loss(x, y, v, o.Boolean("full"), (float)o.Real("eps"), r))),
        ("poisson-nll", false, o => Two(o, (x, y, r) =>
            nn.functional.poisson_nll_loss(x, y, o.Boolean("log_input"), o.Boolean("full"), (float)o.Real("eps"), r))),
        ("hinge-embedding", false, o => Two(o, (x, y, r) => nn.functional.hinge_embedding_loss(x, y, o.Real("margin"), r))),
        ("soft-margin", false, o => Two(o, (x, y, r) => nn.functional.soft_margin_loss(x, y, r))),
        ("sigmoid-focal", false, o => Two(o, (x, y, r) => torchvision.ops.sigmoid_focal_loss(x, y, o.Real("alpha"), o.Real("gamma"), r))),
        ("multilabel-soft-margin", false, o =>
        {
            var weight = new DeviceTensor(o.RealVector("weight"));
            return Two(o, (x, y, r) => nn.functional.multilabel_soft_margin_loss(x, y, weight.Like(x), r), weight);
        }),
        ("multilabel-margin", false, o => Two(o, (x, y, r) => nn.functional.multi_label_margin_loss(x, y, r))),
        ("cosine-embedding", false, o => Three(o, (a, b, y, r) => nn.functional.cosine_embedding_loss(a, b, y, o.Real("margin"), r))),
        ("margin-ranking", false, o => Three(o, (a, b, y, r) => nn.functional.margin_ranking_loss(a, b, y, o.Real("margin"), r))),
        ("triplet-margin", false, o => Three(o, (a, p, n, r) =>
            nn.functional.triplet_margin_loss(a, p, n, o.Real("margin"), o.Integer("p"), o.Real("eps"), o.Boolean("swap"), r))),
    ];

    static readonly Lazy<IReadOnlyList<BuiltInTwin>> all = new(() =>
        Table.Select(t => new BuiltInTwin(LossRegistry.Get(t.Loss), t.Training, t.Factory)).ToList());

    /// <summary>Every twin, those offered to experiments first.</summary>
    public static IReadOnlyList<BuiltInTwin> All => all.Value;

    /// <summary>Registry names experiments accept as <c>builtin:&lt;name&gt;</c>.</summary>
    public static IReadOnlyList<string> OfferedForTraining { get; } = Table.Where(t => t.Training).Select(t => t.Loss).ToList();

    /// <summary>
    /// The twin of a loss (registry name or alias), or null when it has none: from this table for the library's losses,
    /// from <see cref="LossSpec.Twin"/> for a plugin's (validation only: experiments do not train with a plugin's twin).
    /// </summary>
    public static BuiltInTwin? For(string? lossName) => LossRegistry.Find(lossName) is not { } spec ? null
        : All.FirstOrDefault(t => t.Spec.Name == spec.Name) ?? (spec.Twin is { } twin ? new BuiltInTwin(spec, false, twin) : null);

    // TorchSharp's nll_loss has no ignore_index parameter (libtorch's default -100 applies). For another
    // ignore_index the targets equal to it are rewritten to -100, which libtorch then ignores; valid
    // targets are never -100, so this is exactly nll_loss(..., ignore_index=ii). (Emulating through
    // cross_entropy on log-probabilities would match values but not gradients.)
    static Tensor Nll(Tensor input, Tensor target, Tensor? weight, long ignore, nn.Reduction r)
    {
        if (ignore != -100) target = target.masked_fill(target.eq(CachedScalars.Of(ignore)), CachedScalars.Of(-100L));
        // libtorch's C++ torch::nn::functional::nll_loss (what TorchSharp binds) rejects a 1-D input [C]
        // ("Expected 2 or more dimensions") although PyTorch's F.nll_loss takes it as one sample: call it
        // on [1, C] with target [1] (the same computation) and give reduction none PyTorch's 0-d shape.
        if (input.dim() == 1)
        {
            var one = nn.functional.nll_loss(input.unsqueeze(0), target.reshape(1), weight, r);
            return r == nn.Reduction.None ? one.reshape(target.shape) : one;
        }
        return nn.functional.nll_loss(input, target, weight, r);
    }

    // PyTorch's reduction='batchmean': the sum over the batch size (TorchSharp has no such reduction).
    static Tensor KlDiv(Tensor input, Tensor target, bool logTarget, bool batchMean, nn.Reduction r)
    {
        if (r == nn.Reduction.Mean && batchMean)
        {
            var sum = nn.functional.kl_div(input, target, log_target: logTarget, reduction: nn.Reduction.Sum);
            return input.dim() == 0 ? sum : sum / CachedScalars.Of((double)input.shape[0]);
        }
        return nn.functional.kl_div(input, target, log_target: logTarget, reduction: r);
    }

    static nn.Module<Tensor, Tensor, Tensor> Two(ResolvedLossOptions o, Func<Tensor, Tensor, nn.Reduction, Tensor> f, params DeviceTensor[] owned)
    {
        var r = o.Reduction;
        return new TwoInputs((x, y) => f(x, y, r), owned);
    }

    static nn.Module<Tensor, Tensor, Tensor, Tensor> Three(ResolvedLossOptions o, Func<Tensor, Tensor, Tensor, nn.Reduction, Tensor> f)
    {
        var r = o.Reduction;
        return new ThreeInputs((a, b, c) => f(a, b, c, r));
    }

    /// <summary>
    /// An optional option tensor, materialized once per device and dtype: TorchSharp's built-in losses do not
    /// move their weight with the module.
    /// </summary>
    sealed class DeviceTensor(double[]? values) : IDisposable
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

        public void Dispose()
        {
            cached?.Dispose();
            cached = null;
        }
    }

    /// <summary>A two-input loss module around a function; it disposes the option tensors it owns.</summary>
    sealed class TwoInputs(Func<Tensor, Tensor, Tensor> f, DeviceTensor[] owned) : nn.Module<Tensor, Tensor, Tensor>("BuiltInLoss")
    {
        public override Tensor forward(Tensor input, Tensor target) => f(input, target);

        protected override void Dispose(bool disposing)
        {
            if (disposing) foreach (var t in owned) t.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>A three-input loss module around a function.</summary>
    sealed class ThreeInputs(Func<Tensor, Tensor, Tensor, Tensor> f) : nn.Module<Tensor, Tensor, Tensor, Tensor>("BuiltInLoss")
    {
        public override Tensor forward(Tensor a, Tensor b, Tensor c) => f(a, b, c);
    }
}
