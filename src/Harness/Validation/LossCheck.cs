using CustomLosses;
using CustomLosses.Catalog;
using Harness.Losses;
using static TorchSharp.torch;

namespace Harness.Validation;

/// <summary>
/// How one registered loss is validated: the cases to try, the libtorch built-in it mirrors (if any),
/// and an independent float64 formula written as plain loops.
/// </summary>
/// <remarks>
/// One subclass per loss, listed in its group's <c>*Checks</c> class. The validator compares the custom
/// loss with <see cref="BuiltIn"/> (values and gradients), both with <see cref="Reference"/>, and the
/// custom loss's gradient with central finite differences in float64.
/// </remarks>
public abstract class LossCheck
{
    /// <summary>Registry name of the loss under test.</summary>
    public abstract string LossName { get; }

    /// <summary>
    /// The built-in twin's name for reports ("torch.nn.functional.huber_loss"), or null when there is none: the
    /// loss's twin in <see cref="BuiltInTwins"/>. Overridden only to plant a wrong twin in tests.
    /// </summary>
    public virtual string? BuiltInName => BuiltInTwins.For(LossName)?.Name;

    /// <summary>
    /// Cases to try, generated from <paramref name="generator"/> (seeded, CPU, float64): seeded random
    /// ones over several shapes, then hard ones.
    /// </summary>
    public abstract IEnumerable<LossCase> Cases(Generator generator);

    /// <summary>
    /// Evaluates the libtorch built-in on <paramref name="inputs"/> (already cast and moved; floating
    /// ones may require grad): the twin of <see cref="BuiltInTwins"/>, built from the case's options, which the
    /// registry resolves as it does for the custom loss. Only called when <see cref="BuiltInName"/> is not null.
    /// </summary>
    public virtual Tensor BuiltIn(LossCase c, Tensor[] inputs, nn.Reduction reduction)
    {
        var twin = BuiltInTwins.For(LossName) ?? throw new NotSupportedException($"{LossName} has no built-in twin.");
        using var module = twin.Create(LossRegistry.Resolve(LossName, c.Options.With("reduction", reduction.ToOptionString())));
        return LossInvoker.Call(module, inputs);
    }

    /// <summary>
    /// The loss computed independently in float64 with plain loops, following PyTorch's definition:
    /// per-element (or per-sample) values for reduction none, one value for mean and sum. Only called when
    /// <see cref="HasFormula"/>.
    /// </summary>
    public abstract double[] Reference(LossCase c, HostArray[] inputs, nn.Reduction reduction);

    /// <summary>
    /// True when <see cref="Reference"/> is a formula. Every hand-written check has one; a check generated for a plugin's
    /// loss has one only when the plugin gives a <see cref="LossSpec.Float64Formula"/>.
    /// </summary>
    public virtual bool HasFormula => true;

    /// <summary>True when the check was generated from the loss's spec rather than written for the loss.</summary>
    public virtual bool Generated => false;

    /// <summary>
    /// Why reduction mean of case <paramref name="c"/> is not the plain mean of reduction none (PyTorch's weighted
    /// cross-entropy divides by the summed weights, kl-div's batchmean by the batch size), or null when it is: the
    /// property check of the mean applies only where it is null.
    /// </summary>
    public virtual string? NonPlainMean(LossCase c) => null;

    /// <summary>What the loss is compared against, in words, for reports.</summary>
    public string ComparedAgainst => string.Join(" + ", new[]
    {
        BuiltInName,
        HasFormula ? "float64 formula" : null,
        "finite differences",
    }.Where(s => s != null));

    /// <summary>Shorthand: a weight option as a tensor like <paramref name="like"/>, or null when unset.</summary>
    protected static Tensor? OptionTensor(LossCase c, string name, Tensor like)
    {
        var resolved = c.Options.Values.FirstOrDefault(kv => string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
        return resolved switch
        {
            null => null,
            double[] v => tensor(v, dtype: like.dtype, device: like.device),
            _ => throw new ArgumentException($"Option '{name}' of case '{c.Label}' must be a double[] to become a tensor."),
        };
    }

    /// <summary>Applies a reduction to reference per-element values (plain mean or sum).</summary>
    protected static double[] Reduce(double[] perElement, nn.Reduction reduction) => reduction switch
    {
        nn.Reduction.None => perElement,
        nn.Reduction.Sum => [perElement.Sum()],
        _ => [perElement.Length == 0 ? double.NaN : perElement.Sum() / perElement.Length],
    };
}
