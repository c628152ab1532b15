using System.Globalization;
using System.Text;
using System.Text.Json;
using Harness.Output;
using Harness.Validation.TrainingParity;

namespace Harness.Reporting;

/// <summary>
/// Writes a training-parity run (<c>harness validate --train</c>) as <c>training-parity.md</c>,
/// <c>training-parity.json</c> (every step's numbers) and the plots of <see cref="TrainingParityPlots"/>.
/// </summary>
public static class TrainingParityReportWriter
{
    /// <summary>Writes the files into <paramref name="folder"/> atomically; returns the Markdown and JSON paths.</summary>
    public static (string Markdown, string Json) Write(ParityRun run, string folder, string command)
    {
        var plots = TrainingParityPlots.Write(run, folder);
        var md = Path.Combine(folder, "training-parity.md");
        var json = Path.Combine(folder, "training-parity.json");
        AtomicFile.WriteAllText(json, ToJson(run, command));
        AtomicFile.WriteAllText(md, ToMarkdown(run, command, plots));
        return (md, json);
    }

    /// <summary>A drift for tables: "0", "3.2e-08".</summary>
    public static string Format(double v) =>
        double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "inf" : v == 0 ? "0" : v.ToString("0.0e+0", CultureInfo.InvariantCulture);

    static string Settings(ParitySettings s) =>
        $"MLP {string.Join("-", s.Hidden)} (ReLU), Adam lr {s.LearningRate.ToString(CultureInfo.InvariantCulture)}, batch {s.BatchSize}, " +
        $"{s.Steps} steps, seed {s.Seed}, {s.Threads} torch thread(s); classification, pair and triplet losses on {s.ClassificationDataset}, " +
        "regression losses on diabetes (features standardized; float32, float64 for the pairs without a twin; CPU)";

    /// <summary>The Markdown report.</summary>
    public static string ToMarkdown(ParityRun run, string command, IReadOnlyList<ReportPlot> plots)
    {
        var sb = new StringBuilder();
        var losses = run.Results.Where(r => !r.Name.StartsWith("control:", StringComparison.Ordinal)).ToList();
        sb.AppendLine("# Training parity: custom losses trained side by side with their libtorch twins (or composed formulas)");
        sb.AppendLine();
        sb.AppendLine($"{losses.Count(r => r.Verdict == ParityVerdict.BitIdentical)} bit-identical, " +
                      $"{losses.Count(r => r.Verdict == ParityVerdict.RoundingLevel)} rounding-level, " +
                      $"{losses.Count(r => r.Verdict == ParityVerdict.Divergent)} divergent of {losses.Count} pairs.");
        sb.AppendLine();
        sb.AppendLine($"Command: `{command}`  ");
        sb.AppendLine($"Training: {Settings(run.Settings)}.  ");
        sb.AppendLine($"Environment: {ValidationReportWriter.Environment()}");
        sb.AppendLine();
        sb.AppendLine("Each pair trains one network three times in lockstep, from the same initial weights on the same batches: with the " +
                      "custom loss, with its libtorch twin, and with the twin again from initial weights each moved one unit in the last " +
                      "place and with the gradient at the model output moved one unit in the last place, up or down at random, at every step " +
                      "(the *yardstick*: how far pure rounding noise grows in this network). Per step it records the loss values, the " +
                      "relative L2 difference of all parameter gradients (custom vs twin, before the update) and of all parameters (after it). " +
                      "**bit-identical**: every gradient and parameter equal to the last bit at every step. **rounding-level**: the parameter " +
                      $"difference stays within {ParityEnvelope.Factor:0} times the largest yardstick difference so far at every step. " +
                      "**divergent**: it leaves that envelope (first step given, 0-based). The forward's reduction order can make two loss " +
                      "values differ in the last bit while every gradient agrees: the last two columns count those steps; they do not enter the verdict. " +
                      "The gradient drift at step 0, before any weight differs, separates a systematic error (1e-4 for the planted one) from " +
                      "rounding (the yardstick's): a pair that leaves the envelope late, in a jump, after a step-0 drift at the yardstick's level, " +
                      "has met a bifurcation (a ReLU or a branch flipped by a last-bit difference) that the yardstick did not. " +
                      "A loss without a twin (\"(float64)\") trains against the same loss written again from tensor operations, everything in " +
                      "float64 (model, data, yardstick one float64 ulp apart).");
        sb.AppendLine();
        sb.AppendLine("| pair | twin | data | verdict | first step out | parameter drift, last step | yardstick, last step | worst drift / envelope | " +
                      "gradient drift at step 0 (yardstick) | worst gradient drift | steps with loss values apart | worst loss difference |");
        sb.AppendLine("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in run.Results)
            sb.AppendLine($"| {r.Name} | `{r.Reference.Replace("torch.nn.functional.", "F.")}` | {r.Dataset} | " +
                          $"{(r.Verdict == ParityVerdict.Divergent ? "**divergent**" : r.Verdict.Name())} | " +
                          $"{(r.FirstDivergentStep?.ToString(CultureInfo.InvariantCulture) ?? "-")} | {Format(r.FinalParameterDrift)} | " +
                          $"{Format(r.FinalYardstickDrift)} | " +
                          $"{(r.Verdict == ParityVerdict.BitIdentical ? "0" : r.WorstEnvelopeRatio.ToString("0.###", CultureInfo.InvariantCulture))} | " +
                          $"{Format(r.GradientDrift.DefaultIfEmpty(0).First())} ({Format(r.YardstickGradientDrift.DefaultIfEmpty(0).First())}) | " +
                          $"{Format(r.GradientDrift.DefaultIfEmpty(0).Max())} | {r.LossValueMismatches} | {Format(r.WorstLossDifference)} |");
        sb.AppendLine();
        sb.AppendLine("How each pair's inputs are made:");
        sb.AppendLine();
        foreach (var group in run.Results.GroupBy(r => (r.Dataset, r.Problem)))
            sb.AppendLine($"- {group.Key.Dataset}, {group.Key.Problem}: {string.Join(", ", group.Select(r => r.Name))}");
        sb.AppendLine();
        if (run.Skipped.Count > 0)
        {
            sb.AppendLine("Losses with a twin left out:");
            sb.AppendLine();
            foreach (var s in run.Skipped) sb.AppendLine($"- {s.Name}: {s.Reason}");
            sb.AppendLine();
        }
        foreach (var plot in plots)
        {
            sb.AppendLine($"![{plot.Title}]({plot.Png}) ([SVG]({plot.Svg}))");
            sb.AppendLine();
        }
        return sb.ToString();
    }

    /// <summary>The JSON report: settings, verdicts, and every step's numbers (4 significant digits).</summary>
    public static string ToJson(ParityRun run, string command)
    {
        static double[] Round(double[] values) => values.Select(v => double.IsFinite(v) && v != 0
            ? double.Parse(v.ToString("G4", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : v).ToArray();
        static double? Num(double v) => double.IsFinite(v) ? v : null;
        var document = new
        {
            command,
            environment = ValidationReportWriter.Environment(),
            settings = new
            {
                steps = run.Settings.Steps, batch_size = run.Settings.BatchSize, seed = run.Settings.Seed,
                learning_rate = run.Settings.LearningRate, threads = run.Settings.Threads, hidden = run.Settings.Hidden,
                classification_dataset = run.Settings.ClassificationDataset,
                envelope_factor = ParityEnvelope.Factor,
            },
            pairs = run.Results.Select(r => new
            {
                name = r.Name, twin = r.Reference, dataset = r.Dataset, problem = r.Problem,
                verdict = r.Verdict.Name(), first_divergent_step = r.FirstDivergentStep, bit_identical = r.BitIdentical,
                loss_value_mismatches = r.LossValueMismatches, worst_loss_difference = Num(r.WorstLossDifference),
                worst_envelope_ratio = Num(r.WorstEnvelopeRatio),
                candidate_loss = Round(r.CandidateLoss), reference_loss = Round(r.ReferenceLoss),
                gradient_drift = Round(r.GradientDrift), parameter_drift = Round(r.ParameterDrift),
                yardstick_gradient_drift = Round(r.YardstickGradientDrift), yardstick_parameter_drift = Round(r.YardstickParameterDrift),
            }),
            skipped = run.Skipped.Select(s => new { name = s.Name, reason = s.Reason }),
        };
        return JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = false });
    }
}
