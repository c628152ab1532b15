using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Harness.Reporting;

/// <summary>report.md of an experiment: ranked table, baseline comparison, details, setup, plots, resolved config.</summary>
public static class ExperimentReportMarkdown
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The Markdown text.</summary>
    public static string Write(ExperimentAnalysis a, IReadOnlyList<ReportPlot> plots)
    {
        var r = a.Results;
        var sb = new StringBuilder();
        var level = a.Level.ToString("P0", Inv).Replace(" ", "");
        var scoreLabel = r.Classification ? "final test accuracy" : "final test RMSE";
        var better = r.Classification ? "higher is better" : "lower is better";

        sb.AppendLine($"# {r.Name}: {r.Losses.Count} loss{(r.Losses.Count == 1 ? "" : "es")} compared on {r.DatasetName}");
        sb.AppendLine();
        if (!string.IsNullOrWhiteSpace(r.Description)) { sb.AppendLine(r.Description); sb.AppendLine(); }
        var finished = a.Losses.Sum(s => s.Runs);
        sb.AppendLine($"{(r.Classification ? "Classification" : "Regression")} on **{r.DatasetName}**: {r.Losses.Count} losses x {r.Seeds.Count} seeds " +
                      $"({string.Join(", ", r.Seeds.Select(s => s.ToString(Inv)))}); {finished} of {r.Losses.Count * r.Seeds.Count} runs finished. " +
                      $"Every loss of a seed starts from the same initial weights and sees the same batches. " +
                      $"Intervals are {level} Student t confidence intervals over seeds (mean ± t·sd/√n); sd is the sample standard deviation.");
        sb.AppendLine();

        // Ranked table.
        sb.AppendLine($"## Ranking by mean {scoreLabel} ({better})");
        sb.AppendLine();
        var score = Decimals(a, a.ScoreKey);
        var bestKey = r.Classification ? "bestTestAccuracy" : "bestTestRmse";
        sb.AppendLine($"| rank | loss | runs | {scoreLabel} (mean ± sd) | {level} CI | {(r.Classification ? "best test accuracy" : "best test RMSE")} (mean ± sd) | " +
                      $"vs baseline (mean difference) | p | diverged |");
        sb.AppendLine("|---:|---|---:|---:|---|---:|---:|---:|---:|");
        foreach (var s in a.Ranked)
        {
            var m = s.Metrics[a.ScoreKey];
            var v = s.VersusBaseline;
            var versus = s.Loss == r.Baseline ? "baseline" : v == null || v.Summary.Count == 0 ? "n/a" : Signed(v.Summary.Mean, score);
            var p = s.Loss == r.Baseline ? "" : v?.PValue is { } pv ? P(pv) : "n/a";
            sb.AppendLine($"| {(s.Rank is { } rank ? rank.ToString(Inv) : "-")} | {Cell(s.Loss.DisplayName)} | {s.Runs}/{s.Seeds} | " +
                          $"{MeanSd(m, score)} | {Interval(m, score)} | {MeanSd(s.Metrics[bestKey], Decimals(a, bestKey))} | {versus} | {p} | {s.Diverged} |");
        }
        sb.AppendLine();

        // Baseline comparison.
        if (r.Baseline is { } baseline)
        {
            sb.AppendLine($"## Against the baseline: {baseline.DisplayName}");
            sb.AppendLine();
            sb.AppendLine($"Per-seed difference of the {scoreLabel}, loss − {baseline.DisplayName}, paired by seed " +
                          $"({(r.Classification ? "positive: better than the baseline" : "negative: better than the baseline")}); " +
                          "p is the two-sided paired t-test (t = mean / (sd / √n), n − 1 degrees of freedom). " +
                          "It is n/a with fewer than 2 pairs or when every pair differs by the same amount.");
            sb.AppendLine();
            sb.AppendLine($"| loss | pairs | mean difference | sd | {level} CI | t | p |");
            sb.AppendLine("|---|---:|---:|---:|---|---:|---:|");
            foreach (var s in a.Losses)
            {
                if (s.Loss == baseline) { sb.AppendLine($"| {Cell(s.Loss.DisplayName)} | | baseline | | | | |"); continue; }
                var v = s.VersusBaseline;
                if (v == null || v.Summary.Count == 0) { sb.AppendLine($"| {Cell(s.Loss.DisplayName)} | 0 | n/a | | | | n/a |"); continue; }
                var note = v.Note is { } n ? $"n/a ({n})" : "n/a";
                sb.AppendLine($"| {Cell(s.Loss.DisplayName)} | {v.Summary.Count} | {Signed(v.Summary.Mean, score)} | {Num(v.Summary.StandardDeviation, score)} | " +
                              $"{SignedInterval(v.Summary, score)} | {(v.T is { } t ? t.ToString("0.00", Inv) : "n/a")} | {(v.PValue is { } p ? P(p) : note)} |");
            }
            sb.AppendLine();
        }

        // All metrics.
        sb.AppendLine("## Every metric per loss");
        sb.AppendLine();
        sb.AppendLine($"Mean ± sd [{level} CI] over the finished seeds; the final test yardstick is {(r.Classification ? "softmax cross-entropy" : "MSE")}, " +
                      "the same for every loss whatever it optimized.");
        sb.AppendLine();
        var scoreMetrics = a.Metrics.Where(m => m.Key is not ("epochsToTarget" or "secondsToTarget")).ToList();
        sb.AppendLine("| loss | " + string.Join(" | ", scoreMetrics.Select(m => m.Label)) + " |");
        sb.AppendLine("|---|" + string.Concat(scoreMetrics.Select(_ => "---:|")));
        foreach (var s in a.Ranked)
            sb.AppendLine($"| {Cell(s.Loss.DisplayName)} | " + string.Join(" | ", scoreMetrics.Select(m => Full(s.Metrics[m.Key], Decimals(a, m.Key)))) + " |");
        sb.AppendLine();

        // Convergence.
        sb.AppendLine("## Convergence");
        sb.AppendLine();
        if (r.ConvergenceTarget is { } target)
        {
            sb.AppendLine($"Target: {(r.Classification ? "validation accuracy ≥" : "validation RMSE ≤")} {target.ToString("G6", Inv)}. " +
                          "Epochs and seconds to target are over the seeds that reached it.");
            sb.AppendLine();
            sb.AppendLine($"| loss | reached | epochs to target | seconds to target | diverged |");
            sb.AppendLine("|---|---:|---:|---:|---:|");
            foreach (var s in a.Ranked)
                sb.AppendLine($"| {Cell(s.Loss.DisplayName)} | {s.ReachedTarget}/{s.Runs} reached | {Full(s.Metrics["epochsToTarget"], 1)} | " +
                              $"{Full(s.Metrics["secondsToTarget"], 2)} | {s.Diverged} |");
        }
        else
        {
            sb.AppendLine("No convergence target was set (config key `convergenceTarget`), so there are no epochs or seconds to target.");
            sb.AppendLine();
            sb.AppendLine("| loss | diverged |");
            sb.AppendLine("|---|---:|");
            foreach (var s in a.Ranked) sb.AppendLine($"| {Cell(s.Loss.DisplayName)} | {s.Diverged}/{s.Runs} |");
        }
        sb.AppendLine();
        var divergences = r.Runs.Where(x => x.Summary is { Diverged: true }).ToList();
        foreach (var d in divergences)
            sb.AppendLine($"- {d.Loss.DisplayName} seed {d.Seed} diverged{(d.Summary!.Divergence is { } why ? ": " + why : "")}");
        if (divergences.Count > 0) sb.AppendLine();

        // Per-class recall.
        if (r.Classification && a.Losses.Any(s => s.MeanRecallPerClass != null))
        {
            var classes = a.Losses.Max(s => s.MeanRecallPerClass?.Count ?? 0);
            sb.AppendLine("## Test recall per class (mean over seeds)");
            sb.AppendLine();
            sb.AppendLine("| loss | " + string.Join(" | ", Enumerable.Range(0, classes).Select(c => c.ToString(Inv))) + " |");
            sb.AppendLine("|---|" + string.Concat(Enumerable.Range(0, classes).Select(_ => "---:|")));
            foreach (var s in a.Ranked)
                sb.AppendLine($"| {Cell(s.Loss.DisplayName)} | " + string.Join(" | ", Enumerable.Range(0, classes).Select(c =>
                    s.MeanRecallPerClass is { } rc && c < rc.Count && double.IsFinite(rc[c]) ? rc[c].ToString("0.000", Inv) : "–")) + " |");
            sb.AppendLine();
        }

        // Missing cells and warnings.
        sb.AppendLine("## Missing runs");
        sb.AppendLine();
        if (a.Missing.Count == 0) sb.AppendLine($"None: every loss finished every seed.");
        else
        {
            sb.AppendLine($"{a.Missing.Count} of {r.Losses.Count * r.Seeds.Count} (loss, seed) cells have no finished run; the statistics above leave them out.");
            sb.AppendLine();
            sb.AppendLine("| loss | seed | why |");
            sb.AppendLine("|---|---:|---|");
            foreach (var m in a.Missing) sb.AppendLine($"| {Cell(m.Loss)} | {m.Seed} | {Cell(m.Reason)} |");
        }
        sb.AppendLine();
        if (r.Warnings.Count > 0)
        {
            sb.AppendLine("Notes on the folder:");
            sb.AppendLine();
            foreach (var w in r.Warnings) sb.AppendLine("- " + w);
            sb.AppendLine();
        }

        // Plots.
        sb.AppendLine("## Plots");
        sb.AppendLine();
        foreach (var p in plots)
        {
            sb.AppendLine($"**{p.Title}** ([PNG]({p.Png}), [SVG]({p.Svg}))");
            sb.AppendLine();
            sb.AppendLine($"![{p.Title}]({p.Png})");
            sb.AppendLine();
        }

        // Setup.
        sb.AppendLine("## Setup");
        sb.AppendLine();
        WriteSetup(sb, r);
        sb.AppendLine();
        sb.AppendLine("### Resolved configuration (config.resolved.json)");
        sb.AppendLine();
        sb.AppendLine("```json");
        sb.AppendLine(r.ResolvedConfigText.TrimEnd());
        sb.AppendLine("```");
        return sb.ToString();
    }

    static void WriteSetup(StringBuilder sb, ExperimentResults r)
    {
        var info = r.ExperimentInfo;
        if (info == null)
        {
            sb.AppendLine("experiment.json is missing from the folder: dataset sizes, device and versions are unknown.");
        }
        else
        {
            if (info["dataset"] is JsonObject ds)
            {
                var classes = Str(ds["classes"]);
                sb.AppendLine($"- Dataset: {Str(ds["name"]) ?? r.DatasetName} ({Str(ds["task"]) ?? "?"}{(classes is null or "0" ? "" : $", {classes} classes")}), " +
                              $"{Str(ds["train"]) ?? "?"} train / {Str(ds["validation"]) ?? "?"} validation / {Str(ds["test"]) ?? "?"} test samples" +
                              $"{(ds["featureShape"] is JsonArray shape ? $", feature shape [{string.Join(", ", shape.Select(Str))}]" : "")}");
                if (Str(ds["source"]) is { } source) sb.AppendLine($"- Source: {source}");
                if (ds["notes"] is JsonArray notes)
                    foreach (var n in notes) sb.AppendLine($"  - {Str(n)}");
            }
            sb.AppendLine($"- Device: {Str(info["device"]) ?? "?"}; libtorch threads: {Str(info["threads"]) ?? "?"}; processors: {Str(info["processors"]) ?? "?"}; OS: {Str(info["os"]) ?? "?"}");
            sb.AppendLine($"- Versions: TorchSharp {Str(info["torchSharp"]) ?? "?"}, .NET {Str(info["dotnet"]) ?? "?"}; report: " +
                          string.Join(", ", ExperimentReport.ReportLibraries().Select(l => $"{l.Name} {l.Version}")));
        }
        var runSeconds = r.Runs.Select(x => x.Summary?.Seconds).OfType<double>().Sum();
        var finishedFlag = info?["finished"] is JsonValue f && f.TryGetValue<bool>(out var fin) && fin;
        var wall = info?["seconds"] is JsonValue sv && sv.TryGetValue<double>(out var secs) ? secs : (double?)null;
        sb.AppendLine(wall is { } w && finishedFlag
            ? $"- Total wall time: {w.ToString("0.0", Inv)} s (sum of the runs' own times: {runSeconds.ToString("0.0", Inv)} s)"
            : $"- Total wall time: not recorded (the last `harness run` into this folder did not finish, or pieces were merged); sum of the runs' own times: {runSeconds.ToString("0.0", Inv)} s");
        if (Str(info?["command"]) is { } command) sb.AppendLine($"- Command: `{command}`");
        sb.AppendLine($"- Report: `harness report {r.Folder}`");
        if (Str(info?["determinism"]) is { } det) sb.AppendLine($"- {det}");
    }

    static string? Str(JsonNode? n) => n switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => n.ToJsonString(),
    };

    /// <summary>Decimals for a metric: four significant digits of the largest mean in the table, 0 to 6 places.</summary>
    internal static int Decimals(ExperimentAnalysis a, string key)
    {
        if (key == "epochsToTarget") return 1;
        if (key == "secondsToTarget") return 2;
        var means = a.Losses.Select(s => s.Metrics[key].Mean).Where(double.IsFinite).Select(Math.Abs).Where(x => x > 0).ToList();
        if (means.Count == 0) return 4;
        return Math.Clamp(3 - (int)Math.Floor(Math.Log10(means.Max())), 0, 6);
    }

    static string Num(double v, int decimals) => double.IsFinite(v) ? v.ToString("F" + decimals, Inv) : "–";
    static string Signed(double v, int decimals) => double.IsFinite(v) ? (v > 0 ? "+" : "") + v.ToString("F" + decimals, Inv) : "–";

    static string MeanSd(SampleSummary m, int d) => m.Count switch
    {
        0 => "–",
        1 => $"{Num(m.Mean, d)} (1 seed)",
        _ => $"{Num(m.Mean, d)} ± {Num(m.StandardDeviation, d)}",
    };

    static string Interval(SampleSummary m, int d) => m.HasInterval ? $"[{Num(m.Lower, d)}, {Num(m.Upper, d)}]" : "n/a";
    static string SignedInterval(SampleSummary m, int d) => m.HasInterval ? $"[{Signed(m.Lower, d)}, {Signed(m.Upper, d)}]" : "n/a";
    static string Full(SampleSummary m, int d) => m.HasInterval ? $"{MeanSd(m, d)} {Interval(m, d)}" : MeanSd(m, d);

    /// <summary>A p-value: three decimals, scientific below 0.001.</summary>
    internal static string P(double p) => p >= 0.001 ? p.ToString("0.000", Inv) : p == 0 ? "< 1e-300" : p.ToString("0.0e+0", Inv);

    /// <summary>Text safe inside a Markdown table cell.</summary>
    static string Cell(string s) => s.Replace("|", "\\|").Replace("\n", " ");
}
