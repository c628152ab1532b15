using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Harness.Output;
using Harness.Validation;

namespace Harness.Reporting;

/// <summary>Writes a validation run as <c>report.md</c> and <c>report.json</c> into a folder.</summary>
public static class ValidationReportWriter
{
    /// <summary>Writes both files atomically; returns their paths.</summary>
    public static (string Markdown, string Json) Write(ValidationRun run, string folder, string command)
    {
        var md = Path.Combine(folder, Results.ResultsLayout.ReportMarkdownFileName);
        var json = Path.Combine(folder, Results.ResultsLayout.ReportJsonFileName);
        AtomicFile.WriteAllText(json, ToJson(run, command));
        AtomicFile.WriteAllText(md, ToMarkdown(run, command));
        return (md, json);
    }

    /// <summary>Formats an error for tables: "0", "3.2e-12", "inf".</summary>
    public static string FormatError(double e) =>
        double.IsPositiveInfinity(e) ? "inf" : e == 0 ? "0" : e.ToString("0.0e+0", CultureInfo.InvariantCulture);

    /// <summary>The versions and machine a validation report states (the training-parity report states the same).</summary>
    internal static string Environment() =>
        $"TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}, .NET {System.Environment.Version}, " +
        $"{RuntimeInformation.OSDescription}, {System.Environment.ProcessorCount} CPUs";

    /// <summary>The Markdown report.</summary>
    public static string ToMarkdown(ValidationRun run, string command)
    {
        var sb = new StringBuilder();
        var passed = run.Results.Count(r => r.Passed);
        sb.AppendLine("# Custom losses validated against libtorch");
        sb.AppendLine();
        sb.AppendLine($"{passed} of {run.Results.Count} losses pass. dtypes: {string.Join(", ", run.DTypes)}; device: {run.Device}; " +
                      $"case seed {run.Seed}.");
        sb.AppendLine();
        sb.AppendLine($"Command: `{command}`  ");
        sb.AppendLine($"Environment: {Environment()}");
        sb.AppendLine();
        sb.AppendLine("Tolerances: float64 relative 1e-10 (absolute floor 1e-12), float32 relative 1e-5 (floor 1e-6); " +
                      "finite differences (float64, step 1e-6) relative 1e-5 (floor 1e-6), first and second derivatives alike. Errors are relative to the " +
                      "expected value, or to the floor divided by the relative tolerance where that is larger. " +
                      "Values and gradients are compared against the built-in twin where there is one, otherwise against an " +
                      "independent float64 formula (values) and finite differences (gradients); every loss is also checked " +
                      "against the formula and finite differences, and for the properties below. A loss without a hand-written " +
                      "check (a plugin's) gets one generated from its spec, compared with the twin and the float64 formula the " +
                      "spec gives, if any.");
        sb.AppendLine();
        sb.AppendLine("Whether each loss also *trains* like its twin, step by step, is the subject of `harness validate --train` " +
                      "([training-parity.md](training-parity.md)).");
        sb.AppendLine();
        sb.AppendLine("| loss | validated against | cases | comparisons | worst value error | worst gradient error | " +
            "worst finite-difference error | worst second-derivative error | result |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in run.Results)
            sb.AppendLine($"| {r.Loss} | {r.ComparedAgainst} | {r.Cases} | {r.Comparisons} | " +
                          $"{FormatError(r.WorstValueError)} | {FormatError(r.WorstGradientError)} | {FormatError(r.WorstFiniteDifferenceError)} | " +
                          $"{FormatError(r.WorstSecondDerivativeError)} | {(r.Passed ? "pass" : $"**FAIL** ({r.Failures.Count})")} |");
        sb.AppendLine();
        foreach (var r in run.Results.Where(r => r.Generated || r.Origin != CustomLosses.Catalog.LossSpec.BuiltInOrigin))
            sb.AppendLine($"`{r.Loss}` comes from {r.Origin}{(r.Generated ? "; its check was generated from its spec (no hand-written check)" : "")}.  ");
        if (run.Results.Any(r => r.Generated || r.Origin != CustomLosses.Catalog.LossSpec.BuiltInOrigin)) sb.AppendLine();
        AppendCoverage(sb, run);

        var failures = run.Results.SelectMany(r => r.Failures).ToList();
        if (failures.Count > 0)
        {
            sb.AppendLine("## Failures");
            sb.AppendLine();
            sb.AppendLine("| loss | check | dtype | case | reduction | what | error | detail |");
            sb.AppendLine("|---|---|---|---|---|---|---:|---|");
            foreach (var f in failures.Take(200))
                sb.AppendLine($"| {f.Loss} | {f.Check.Title()} | {f.DType} | {Escape(f.Case)} | {f.Reduction} | " +
                    $"{f.Quantity} | {FormatError(f.Error)} | {Escape(f.Detail)} |");
            if (failures.Count > 200) sb.AppendLine($"\n({failures.Count - 200} more in report.json)");
            sb.AppendLine();
        }

        sb.AppendLine("## Defects found in the libtorch / TorchSharp built-ins");
        sb.AppendLine();
        var defects = run.Results.SelectMany(r => r.BuiltInDefects).GroupBy(f => f.Loss).ToList();
        if (defects.Count == 0)
        {
            sb.AppendLine("None: every built-in agreed with the float64 formula on every case.");
        }
        else
        {
            sb.AppendLine("Here the built-in disagrees with both the independent float64 formula and the custom loss " +
                          "(which agree with each other). These are not failures of the custom losses; do not trust the built-in in these cases.");
            sb.AppendLine();
            foreach (var group in defects)
            {
                var builtIn = run.Results.First(r => r.Loss == group.Key).BuiltIn;
                var smallest = group.OrderBy(f => f.InputSize).ThenBy(f => f.Quantity.StartsWith("value") ? 0 : 1).ThenByDescending(f => f.Error).First();
                sb.AppendLine($"### {builtIn} (custom loss `{group.Key}`)");
                sb.AppendLine();
                sb.AppendLine($"{group.Count()} disagreements, in: " +
                    $"{string.Join("; ", group.Select(f => $"{f.Case} [{f.Reduction}, {f.DType}, {f.Quantity}]").Distinct().Take(12))}" +
                    $"{(group.Count() > 12 ? "; ..." : "")}.");
                sb.AppendLine();
                sb.AppendLine($"Smallest input that shows it: {Escape(smallest.Case)}, reduction {smallest.Reduction}, " +
                    $"{smallest.DType}: {smallest.Quantity}.  ");
                sb.AppendLine($"Inputs: `{smallest.Inputs}`  ");
                sb.AppendLine($"{smallest.Detail}");
                sb.AppendLine();
            }
        }
        return sb.ToString();
    }

    // Which checks ran on how many case runs (a case in one dtype), and why the others did not.
    static void AppendCoverage(StringBuilder sb, ValidationRun run)
    {
        sb.AppendLine("## Which checks applied");
        sb.AppendLine();
        sb.AppendLine("A *case run* is one case in one dtype. Each cell is the number of case runs a check ran on, of those it was " +
                      "considered for (finite differences and second derivatives: float64 runs; float32 vs float64: float32 runs; " +
                      "the others: every run); - where it ran on none. Why it did not run elsewhere follows the table.");
        sb.AppendLine();
        foreach (var kind in ValidationCheckKinds.All)
            sb.AppendLine($"- **{kind.Title()}**: {kind.Description()}.");
        sb.AppendLine();
        sb.AppendLine("| loss | " + string.Join(" | ", ValidationCheckKinds.All.Select(k => k.Title())) + " |");
        sb.AppendLine("|---|" + string.Concat(ValidationCheckKinds.All.Select(_ => "---:|")));
        foreach (var r in run.Results)
            sb.AppendLine($"| {r.Loss} | " + string.Join(" | ", r.Coverage.Select(CheckCoverageText.Cell)) + " |");
        sb.AppendLine();
        sb.AppendLine("### Why checks did not apply, and notes");
        sb.AppendLine();
        foreach (var r in run.Results)
        {
            var reasons = CheckCoverageText.Reasons(r);
            sb.AppendLine(reasons.Count == 0
                ? $"- **{r.Loss}**: every check ran on every case run."
                : $"- **{r.Loss}**: {Escape(string.Join(". ", reasons))}.");
        }
        sb.AppendLine();
    }

    static string Escape(string s) => s.Replace("|", "\\|").Replace("\n", " ");

    /// <summary>The JSON report (same numbers as the Markdown).</summary>
    public static string ToJson(ValidationRun run, string command)
    {
        static double? Num(double e) => double.IsFinite(e) ? e : null;
        object Finding(Finding f) => new
        {
            kind = f.Kind == FindingKind.Failure ? "failure" : "built-in defect",
            check = f.Check.Key(),
            dtype = f.DType, @case = f.Case, reduction = f.Reduction, what = f.Quantity,
            error = Num(f.Error), error_is_infinite = double.IsInfinity(f.Error), detail = f.Detail, inputs = f.Inputs,
        };
        var document = new
        {
            command,
            environment = Environment(),
            device = run.Device,
            dtypes = run.DTypes,
            seed = run.Seed,
            passed = run.Passed,
            tolerances = new
            {
                float64 = new { relative = Tolerance.Float64.Relative, absolute = Tolerance.Float64.Absolute },
                float32 = new { relative = Tolerance.Float32.Relative, absolute = Tolerance.Float32.Absolute },
                finite_differences = new
                {
                    relative = Tolerance.FiniteDifference.Relative,
                    absolute = Tolerance.FiniteDifference.Absolute,
                    step = FiniteDifferenceGradCheck.Step,
                },
            },
            checks = ValidationCheckKinds.All.Select(k => new { check = k.Key(), title = k.Title(), description = k.Description() }),
            losses = run.Results.Select(r => new
            {
                loss = r.Loss,
                built_in = r.BuiltIn,
                compared_against = r.ComparedAgainst,
                origin = r.Origin,
                generated_check = r.Generated,
                cases = r.Cases,
                comparisons = r.Comparisons,
                worst_value_error = Num(r.WorstValueError),
                worst_gradient_error = Num(r.WorstGradientError),
                worst_finite_difference_error = Num(r.WorstFiniteDifferenceError),
                worst_second_derivative_error = Num(r.WorstSecondDerivativeError),
                coverage = r.Coverage.Select(c => new
                {
                    check = c.Kind.Key(),
                    applied = c.Applied,
                    considered = c.Considered,
                    skipped = c.Skipped.Select(s => new { reason = s.Reason, runs = s.Runs }),
                    notes = c.Notes.Select(n => new { note = n.Note, runs = n.Runs }),
                }),
                passed = r.Passed,
                failures = r.Failures.Select(Finding),
                built_in_defects = r.BuiltInDefects.Select(Finding),
            }),
        };
        return JsonSerializer.Serialize(document, new JsonSerializerOptions
        {
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        });
    }
}
