using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace CustomLosses.Catalog;

/// <summary>
/// What is wrong with a loss's metadata, checked before the registry accepts it: a loss from a plugin is used by names,
/// options and encodings the harness trusts everywhere, so a bad one is refused at load time with every problem named,
/// not half-way through a grid.
/// </summary>
public static class LossSpecProblems
{
    static readonly Regex KebabCase = new("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", RegexOptions.CultureInvariant);
    static readonly Regex SnakeCase = new("^[a-z][a-z0-9]*(_[a-z0-9]+)*$", RegexOptions.CultureInvariant);

    /// <summary>Every problem of <paramref name="spec"/>, each one sentence; empty when it may be registered.</summary>
    public static IReadOnlyList<string> Of(LossSpec spec)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(spec.Name) || !KebabCase.IsMatch(spec.Name))
            problems.Add($"name '{spec.Name}' must be kebab-case: lower-case letters and digits in words joined by '-' (\"cauchy\", \"log-cosh\")");
        if (string.IsNullOrWhiteSpace(spec.Title)) problems.Add("title is empty");
        if (string.IsNullOrWhiteSpace(spec.Summary)) problems.Add("summary is empty (one line: the formula in words)");
        if (!Enum.IsDefined(spec.Task)) problems.Add($"task {(int)spec.Task} is not a LossTask");
        if (!Enum.IsDefined(spec.ExpectedOutput)) problems.Add($"expected output {(int)spec.ExpectedOutput} is not a ModelOutput");
        if (!Enum.IsDefined(spec.Target)) problems.Add($"target {(int)spec.Target} is not a TargetEncoding");
        if (spec.InputCount is not (2 or 3)) problems.Add($"input count {spec.InputCount} must be 2 (input, target) or 3");
        if (string.IsNullOrWhiteSpace(spec.Reference))
            problems.Add($"reference is empty: name the twin (\"torch.nn.functional.huber_loss\") or write LossSpec.FormulaReference");
        if (spec.Twin != null && spec.Reference == LossSpec.FormulaReference)
            problems.Add("a twin is given but the reference says \"float64 formula\": set Reference to the twin's name");
        if (spec.Options is null) problems.Add("options are null: give [] for a loss without options");
        else OptionProblems(spec.Options, problems);
        if (spec.Factory is null) problems.Add("factory is null");
        else if (problems.Count == 0) FactoryProblems(spec, problems);
        return problems;
    }

    static void OptionProblems(IReadOnlyList<OptionSpec> options, List<string> problems)
    {
        foreach (var option in options)
        {
            if (option is null) { problems.Add("an option is null"); continue; }
            var where = $"option '{option.Name}'";
            if (string.IsNullOrWhiteSpace(option.Name) || !SnakeCase.IsMatch(option.Name))
                problems.Add($"{where}: the name must be snake_case, as PyTorch spells options (\"delta\", \"label_smoothing\")");
            if (string.Equals(option.Name, "reduction", StringComparison.OrdinalIgnoreCase))
                problems.Add($"{where}: every loss has reduction already; leave it out of the options");
            if (option.Kind == OptionKind.Choice
                && (option.Choices is not { Count: > 0 } choices || option.Default is not string word || !choices.Contains(word)))
                problems.Add($"{where}: a choice needs its words and a default among them");
            else if (option.Default != null && !DefaultIsValid(option))
                problems.Add($"{where}: the default {OptionSpec.FormatValue(option.Default)} is not of its kind ({option.Kind}) " +
                             $"or not in its range ({option.ValidRange})");
        }
        foreach (var twice in options.Where(o => o?.Name != null).GroupBy(o => o.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            problems.Add($"option '{twice.Key}' is declared {twice.Count()} times");
    }

    static bool DefaultIsValid(OptionSpec option)
    {
        var typed = option.Kind switch
        {
            OptionKind.Real => option.Default is double d && double.IsFinite(d),
            OptionKind.Integer => option.Default is long,
            OptionKind.Boolean => option.Default is bool,
            OptionKind.RealVector => option.Default is double[] { Length: > 0 } v && v.All(double.IsFinite),
            _ => option.Default is string,
        };
        try { return typed && (option.IsValid is null || option.IsValid(option.Default!)); }
        catch (Exception) { return false; }
    }

    // Builds the loss with its defaults once: a factory that throws, or a module whose forward takes the wrong number of
    // inputs, would otherwise surface as a cast error in the middle of a run.
    static void FactoryProblems(LossSpec spec, List<string> problems)
    {
        var defaults = spec.AllOptions.ToDictionary(o => o.Name, o => o.Default, StringComparer.OrdinalIgnoreCase);
        var resolved = new ResolvedLossOptions(spec, defaults);
        CheckModule("factory", spec.Factory, spec.InputCount, resolved, problems);
        if (spec.Twin != null) CheckModule("twin", spec.Twin, spec.InputCount, resolved, problems);
    }

    static void CheckModule(string what, Func<ResolvedLossOptions, nn.Module> factory, int inputCount, ResolvedLossOptions options, List<string> problems)
    {
        nn.Module? module = null;
        try
        {
            module = factory(options);
            var arity = module switch
            {
                nn.Module<Tensor, Tensor, Tensor> => 2,
                nn.Module<Tensor, Tensor, Tensor, Tensor> => 3,
                _ => 0,
            };
            if (arity != inputCount)
                problems.Add(arity == 0
                    ? $"the {what} built a {module?.GetType().Name ?? "null"}, which is not an nn.Module<Tensor, Tensor, Tensor> (or with three inputs)"
                    : $"the {what}'s module takes {arity} inputs but the spec says {inputCount}");
        }
        catch (Exception e)
        {
            problems.Add($"the {what} throws with the default options: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            module?.Dispose();
        }
    }
}
