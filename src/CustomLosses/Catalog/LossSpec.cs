using static TorchSharp.torch;

namespace CustomLosses.Catalog;

/// <summary>
/// Everything the harness knows about one loss: how to build it and how to use it. Each loss class
/// exposes one as a static <c>Spec</c>; <see cref="LossRegistry"/> lists them.
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

    /// <summary>Reference text for losses with no libtorch twin.</summary>
    public const string FormulaReference = "float64 formula + finite differences";
}
