using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace Harness.Validation.TrainingParity;

/// <summary>
/// The pairs a parity run trains: every selected loss that has a libtorch twin (its <see cref="LossCheck"/> knows both),
/// at its default options, plus the option variants that take other code paths; and two controls that show the check
/// can tell the verdicts apart.
/// </summary>
internal static class ParityTargets
{
    /// <summary>Name of the control that trains libtorch's cross-entropy against itself (must be bit-identical).</summary>
    public const string SelfControl = "control: cross_entropy vs itself";
    /// <summary>Name of the planted control (must be divergent).</summary>
    public const string PlantedControl = "control: cross_entropy, gradient off by 1e-4 (planted)";

    /// <summary>Option variants trained besides the defaults, by loss: the ones that leave a fast path or change its arithmetic.</summary>
    static readonly Dictionary<string, (string Label, LossOptions Options)[]> Variants = new()
    {
        ["cross-entropy"] =
        [
            ("label_smoothing 0.1", LossOptions.Of(("label_smoothing", 0.1))),
            ("class weights", LossOptions.Of(("weight", new[] { 0.5, 1.0, 2.0, 0.25, 1.5, 1.0, 0.75, 3.0, 1.25, 0.6 }))),
        ],
        ["huber"] = [("delta 0.5", LossOptions.Of(("delta", 0.5)))],
        ["multi-margin"] = [("p 2", LossOptions.Of(("p", 2L)))],
    };

    /// <summary>The controls, on the classification data set.</summary>
    public static IEnumerable<ParityTarget> Controls(string classification, int classes)
    {
        var problem = ParityProblem.For(LossRegistry.Get("cross-entropy"), classification, classes).Problem!;
        Tensor BuiltIn(Tensor[] x) => nn.functional.cross_entropy(x[0], x[1]);
        yield return new ParityTarget(SelfControl, BuiltIn, BuiltIn, "torch.nn.functional.cross_entropy", problem);
        yield return new ParityTarget(PlantedControl,
            x => nn.functional.cross_entropy(PlantedGradientError.apply(x[0], PlantedGradientError.Factors(x[0].size(1))), x[1]),
            BuiltIn, "torch.nn.functional.cross_entropy", problem);
    }

    /// <summary>
    /// The pairs for <paramref name="checks"/>: against the twin in float32, or, for a loss without one, against its
    /// <see cref="ComposedFormulas"/> in float64; and the losses left out with why.
    /// </summary>
    public static (List<ParityTarget> Targets, List<ParitySkip> Skipped) For(IEnumerable<LossCheck> checks, string classification, int classes)
    {
        var targets = new List<ParityTarget>();
        var skipped = new List<ParitySkip>();
        foreach (var check in checks)
        {
            var spec = LossRegistry.Get(check.LossName);
            var (problem, skip) = ParityProblem.For(spec, classification, classes);
            if (problem is null)
            {
                skipped.Add(new ParitySkip(check.LossName, skip!));
                continue;
            }
            if (check.BuiltInName is null)
            {
                // No twin: the custom loss against the loss written again from tensor operations, both in float64.
                var formula = ComposedFormulas.For(check.LossName);
                if (formula is null)
                {
                    skipped.Add(new ParitySkip(check.LossName, "no twin and no composed formula"));
                    continue;
                }
                var custom = LossRegistry.Create(check.LossName, LossOptions.Empty.With("reduction", "mean"), problem.Dataset == "diabetes" ? null : classes);
                targets.Add(new ParityTarget($"{check.LossName} (float64)", x => LossInvoker.Call(custom, x), formula,
                    "composed float64 formula", problem, Float64: true));
                continue;
            }
            var variants = new List<(string Label, LossOptions Options)> { ("", LossOptions.Empty) };
            if (Variants.TryGetValue(check.LossName, out var more)) variants.AddRange(more);
            foreach (var (label, options) in variants)
            {
                var module = LossRegistry.Create(check.LossName, options.With("reduction", "mean"), problem.Dataset == "diabetes" ? null : classes);
                var optionCase = new LossCase("training", options, []);
                targets.Add(new ParityTarget(
                    label.Length == 0 ? check.LossName : $"{check.LossName} ({label})",
                    x => LossInvoker.Call(module, x),
                    x => check.BuiltIn(optionCase, x, nn.Reduction.Mean),
                    check.BuiltInName!, problem));
            }
        }
        return (targets, skipped);
    }
}
