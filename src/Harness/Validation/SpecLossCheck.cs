using CustomLosses;
using CustomLosses.Catalog;
using Harness.Losses;
using static TorchSharp.torch;

namespace Harness.Validation;

/// <summary>
/// The check of a registered loss that nobody wrote a <see cref="LossCheck"/> for (a plugin's): cases generated from
/// its spec (<see cref="SpecCases"/>); its twin (<see cref="LossSpec.Twin"/>, as <see cref="BuiltInTwins.For"/> gives
/// it) and its <see cref="LossSpec.Float64Formula"/> where the spec gives them; finite differences, second derivatives,
/// float32 against float64 and the properties always. A loss with neither twin nor formula is checked for the
/// consistency of its value and derivatives, not for being the loss it claims to be; the report says so.
/// </summary>
/// <param name="spec">The loss's registry entry. It must be registered: options are resolved by the registry.</param>
public sealed class SpecLossCheck(LossSpec spec) : LossCheck
{
    /// <summary>The spec the check was generated from.</summary>
    public LossSpec Spec { get; } = spec;

    /// <inheritdoc />
    public override string LossName => Spec.Name;

    /// <inheritdoc />
    public override bool Generated => true;

    /// <inheritdoc />
    public override bool HasFormula => Spec.Float64Formula != null;

    BuiltInTwin? Twin => Spec.Twin is { } twin ? new BuiltInTwin(Spec, false, twin) : BuiltInTwins.For(Spec.Name);

    /// <inheritdoc />
    public override string? BuiltInName => Twin?.Name;

    /// <inheritdoc />
    public override IEnumerable<LossCase> Cases(Generator generator) => SpecCases.For(Spec, generator);

    /// <inheritdoc />
    public override Tensor BuiltIn(LossCase c, Tensor[] inputs, nn.Reduction reduction)
    {
        var twin = Twin ?? throw new NotSupportedException($"{LossName} has no twin.");
        using var module = twin.Create(Resolve(c, reduction));
        return LossInvoker.Call(module, inputs);
    }

    /// <inheritdoc />
    public override double[] Reference(LossCase c, HostArray[] inputs, nn.Reduction reduction)
    {
        var formula = Spec.Float64Formula ?? throw new NotSupportedException($"{LossName} has no float64 formula.");
        return formula(inputs, Resolve(c, reduction), reduction);
    }

    /// <summary>
    /// A reduction alias (kl-div's batchmean) set through its option makes the mean something else than the plain mean:
    /// the only mean semantics a spec declares.
    /// </summary>
    public override string? NonPlainMean(LossCase c)
    {
        var options = Resolve(c, nn.Reduction.Mean);
        foreach (var (alias, option) in Spec.ReductionAliases)
            if (options.Values.TryGetValue(option, out var value) && value is true)
                return $"{option} is set: the mean is reduction '{alias}', not the plain mean";
        return null;
    }

    ResolvedLossOptions Resolve(LossCase c, nn.Reduction reduction) =>
        LossRegistry.Resolve(Spec.Name, c.Options.With("reduction", reduction.ToOptionString()));
}
