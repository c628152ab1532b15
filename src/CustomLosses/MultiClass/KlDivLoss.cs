using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.MultiClass;

/// <summary>
/// Kullback-Leibler divergence, PyTorch's pointwise form: with input x = log q and target t,
/// <c>l = xlogy(t, t) - t x</c> (t probabilities; t = 0 contributes exactly 0), or
/// <c>l = exp(t) (t - x)</c> when <c>log_target</c> (t log-probabilities).
/// </summary>
/// <remarks>
/// <para>Input: log-probabilities (log_softmax output), any shape, typically [N, C]. Target: probabilities
/// (or log-probabilities with log_target), broadcastable to the input (normally the same shape).</para>
/// <para>Reduction none keeps the elementwise shape; sum adds all elements; mean averages over ALL
/// elements (PyTorch's 'mean', which is not the KL divergence per sample); with <c>batchmean</c> and
/// mean reduction the sum is divided by the batch size <c>input.size(0)</c> (PyTorch's
/// reduction='batchmean', the true mean KL per sample; a 0-d input is just summed).
/// Mirrors <c>torch.nn.functional.kl_div</c> / <c>torch.nn.KLDivLoss</c> (PyTorch's default
/// log_target = false).</para>
/// </remarks>
public sealed class KlDivLoss : CustomLoss
{
    const string Name = "KLDiv";

    /// <summary>Creates the loss.</summary>
    /// <param name="logTarget">The target holds log-probabilities.</param>
    /// <param name="batchMean">With mean reduction, divide the sum by the batch size (PyTorch's 'batchmean').</param>
    /// <param name="reduction">none, mean or sum.</param>
    public KlDivLoss(bool logTarget = false, bool batchMean = false, nn.Reduction reduction = nn.Reduction.Mean)
        : base(nameof(KlDivLoss), reduction)
    {
        LogTarget = logTarget;
        BatchMean = batchMean;
    }

    /// <summary>The target holds log-probabilities.</summary>
    public bool LogTarget { get; }

    /// <summary>Mean reduction divides by the batch size instead of the element count.</summary>
    public bool BatchMean { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        if (!input.is_floating_point())
            throw new ArgumentException($"{Name}: input must be floating point (log-probabilities); got {input.dtype}.");
        if (!target.is_floating_point())
            throw new ArgumentException($"{Name}: target must be floating point ({(LogTarget ? "log-probabilities" : "probabilities")}); got {target.dtype}.");
        CheckBroadcast(input.shape, target.shape);
        var t = target.to(input.dtype, input.device);
        var pointwise = LogTarget ? t.exp() * (t - input) : t.xlogy(t) - t * input;
        Tensor result = Reduction switch
        {
            nn.Reduction.None => pointwise,
            nn.Reduction.Sum => pointwise.sum(),
            _ when BatchMean && input.dim() != 0 => pointwise.sum() / S((double)input.size(0)),
            _ when BatchMean => pointwise.sum(),
            _ => pointwise.mean(),
        };
        return result.MoveToOuterDisposeScope();
    }

    static void CheckBroadcast(long[] a, long[] b)
    {
        for (int i = 1; i <= Math.Min(a.Length, b.Length); i++)
        {
            long x = a[^i], y = b[^i];
            if (x != y && x != 1 && y != 1)
                throw new ArgumentException(
                    $"{Name}: target shape [{string.Join(",", b)}] does not broadcast to input shape [{string.Join(",", a)}] (dimension -{i}: {y} vs {x}).");
        }
    }

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "kl-div",
        Title: "Kullback-Leibler divergence",
        Summary: "t (log t - x) on log-probabilities x (exp(t) (t - x) with log_target)",
        Task: LossTask.MultiClass,
        ExpectedOutput: ModelOutput.LogProbabilities,
        Target: TargetEncoding.Probabilities,
        Options:
        [
            OptionSpec.Boolean("log_target", false, "The target holds log-probabilities instead of probabilities."),
            OptionSpec.Boolean("batchmean", false, "With reduction mean, divide the sum by the batch size (PyTorch's reduction='batchmean', " +
                                                   "which is also accepted as reduction: batchmean)."),
        ],
        Reference: "torch.nn.functional.kl_div",
        InputCount: 2,
        Factory: o => new KlDivLoss(o.Boolean("log_target"), o.Boolean("batchmean"), o.Reduction))
    {
        ReductionAliases = new Dictionary<string, string> { ["batchmean"] = "batchmean" },
    };
}
