using static TorchSharp.torch;

namespace CustomLosses.Catalog;

/// <summary>
/// Everything the harness knows about one loss: how to build it and how to use it. Each loss class
/// exposes one as a static <c>Spec</c>; <see cref="LossRegistry"/> lists them. A loss from outside the library marks
/// its class with <see cref="RegisteredLossAttribute"/> (or calls <see cref="LossRegistry.Register"/>) and may add what
/// validation needs: a libtorch <see cref="Twin"/> and an independent <see cref="Float64Formula"/>.
/// </summary>
/// <param name="Name">Registry name, kebab-case ("cross-entropy", "huber").</param>
/// <param name="Title">Human name ("Cross-entropy", "Huber").</param>
/// <param name="Summary">One line: the formula in words.</param>
/// <param name="Task">The problem it is for.</param>
/// <param name="ExpectedOutput">What the model must emit.</param>
/// <param name="Target">How targets are encoded.</param>
/// <param name="Options">Options besides reduction (which every loss has and is added automatically).</param>
/// <param name="Reference">What the loss is validated against: a libtorch built-in
/// ("torch.nn.functional.huber_loss") or "float64 formula + finite differences".</param>
/// <param name="InputCount">2 for forward(input, target), 3 for three-input losses.</param>
/// <param name="Factory">Builds the module from checked options.</param>
public sealed record LossSpec(
    string Name,
    string Title,
    string Summary,
    LossTask Task,
    ModelOutput ExpectedOutput,
    TargetEncoding Target,
    IReadOnlyList<OptionSpec> Options,
    string Reference,
    int InputCount,
    Func<ResolvedLossOptions, nn.Module> Factory)
{
    /// <summary>The options including the reduction option, in the order users see them.</summary>
    public IReadOnlyList<OptionSpec> AllOptions => Options.Append(OptionSpec.Reduction).ToList();

    /// <summary>
    /// PyTorch spellings of <c>reduction</c> this loss accepts beyond none, mean and sum, each meaning mean reduction
    /// plus one of the loss's boolean options set (kl-div: <c>"batchmean"</c> is mean with <c>batchmean</c> true).
    /// </summary>
    public IReadOnlyDictionary<string, string> ReductionAliases { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// A loss from outside the library: its libtorch (or other independent) twin, built from the same resolved options,
    /// taking the same inputs. <see cref="Reference"/> names it in reports. The library's own losses keep their twins in
    /// the harness, where the torchvision dependency lives.
    /// </summary>
    public Func<ResolvedLossOptions, nn.Module>? Twin { get; init; }

    /// <summary>
    /// A loss from outside the library: the loss computed independently in float64 with plain loops, which validation
    /// compares the module with. The library's own losses keep theirs in the harness's validation checks.
    /// </summary>
    public LossFormula? Float64Formula { get; init; }

    /// <summary>
    /// The loss is zero where the input equals the target, and no smaller anywhere: a property validation checks
    /// (regression losses such as MSE, L1, Huber; not Poisson or Gaussian NLL, whose minimum depends on the target).
    /// </summary>
    public bool ZeroAtTarget { get; init; }

    /// <summary>Where the loss comes from: <see cref="BuiltInOrigin"/>, or the path of the plugin assembly that registered it.</summary>
    public string Origin { get; init; } = BuiltInOrigin;

    /// <summary>The <see cref="Origin"/> of the library's own losses.</summary>
    public const string BuiltInOrigin = "built-in";

    /// <summary>
    /// Checks a constructor argument against the declared option of that name, so that <c>new HuberLoss(delta: -1)</c>
    /// and the registry refuse the same values in the same words: one home for each option's valid range.
    /// </summary>
    /// <exception cref="LossOptionException">The value is NaN (a vector: empty or not finite) or outside the option's range.</exception>
    public void CheckArgument(string option, double value) => CheckArgument(option, (object)value, double.IsNaN(value));

    /// <inheritdoc cref="CheckArgument(string, double)"/>
    public void CheckArgument(string option, long value) => CheckArgument(option, (object)value, false);

    /// <inheritdoc cref="CheckArgument(string, double)"/>
    public void CheckArgument(string option, double[] value) =>
        CheckArgument(option, (object)value, value.Length == 0 || value.Any(x => !double.IsFinite(x)));

    void CheckArgument(string option, object value, bool nan)
    {
        var declared = Options.FirstOrDefault(o => o.Name == option)
            ?? throw new ArgumentException($"Loss '{Name}' declares no option '{option}' (a bug in the loss, not in its arguments).", nameof(option));
        if (nan || (declared.IsValid != null && !declared.IsValid(value)))
            throw new LossOptionException($"{Title}: {option} = {OptionSpec.FormatValue(value)} is out of range; valid: {declared.ValidRange}.");
    }

    /// <summary>Reference text for losses with no libtorch twin.</summary>
    public const string FormulaReference = "float64 formula + finite differences";
}
