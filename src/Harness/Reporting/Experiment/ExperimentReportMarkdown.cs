using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Harness.Metrics;

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
        var scoreLabel = a.ScoreName;
        var better = r.RankBy.HigherIsBetter ? "higher is better" : "lower is better";
        var score = Decimals(a, a.ScoreKey);

        sb.AppendLine($"# {r.Name}: {r.Losses.Count} loss{(r.Losses.Count == 1 ? "" : "es")} compared on {r.DatasetName}");
        sb.AppendLine();
        if (!string.IsNullOrWhiteSpace(r.Description)) { sb.AppendLine(r.Description); sb.AppendLine(); }
        sb.AppendLine("## Verdict");
        sb.AppendLine();
        sb.AppendLine(a.Verdict);
        sb.AppendLine();

        var finished = a.Losses.Sum(s => s.Runs);
        sb.AppendLine("## Protocol");
        sb.AppendLine();
        sb.AppendLine($"- {(r.Classification ? "Classification" : "Regression")} on **{r.DatasetName}**: {r.Losses.Count} losses x " +
                      $"{r.Seeds.Count} evaluation seeds ({string.Join(", ", r.Seeds.Select(x => x.ToString(Inv)))}); " +
                      $"{finished} of {r.Losses.Count * r.Seeds.Count} runs finished. " +
                      "Within a seed every loss starts from the same initial weights and sees the same data and batches.");
        if (r.Experiment?.Dataset is { } dsInfo)
            sb.AppendLine($"- Data: {dsInfo.DataSeed ?? "?"}; validation split {dsInfo.ValidationCorruption ?? "?"}; the test split is never corrupted.");
        sb.AppendLine(a.AtSelectedEpoch
            ? "- Selection: each run's epoch is selected by " +
              $"{r.Runs.Select(x => x.Summary?.Selection).FirstOrDefault(x => x != null) ?? "its validation score"} (validation only); " +
              "the test set is read at that epoch and at the final epoch, never maximized over epochs."
            : "- Selection: none (no validation split); test numbers are those of the final epoch.");
        if (r.TuningRates.Count > 0)
            sb.AppendLine($"- Learning rate: tuned per loss over {string.Join(", ", r.TuningRates.Select(x => x.ToString("G4", Inv)))} on tuning seeds " +
                          $"{string.Join(", ", r.TuningSeeds)} (not used for evaluation), by mean validation score; see [tuning](#learning-rate-tuning).");
        else
            sb.AppendLine("- Learning rate: one rate for every loss (no tuning block), so differences mix the loss with how well this rate suits it.");
        sb.AppendLine($"- Statistics: {level} Student t intervals and percentile bootstrap intervals over seeds; " +
                      "paired t-tests by seed against the best loss and against the baseline, Holm-adjusted across the losses compared, " +
                      $"judged at alpha = {a.Alpha.ToString("0.###", Inv)}; effect size Cohen's d_z. " +
                      "Tied means the data cannot separate the losses, not that they are equally good.");
        sb.AppendLine();

        // Ranked table.
        sb.AppendLine($"## Ranking by mean {scoreLabel} ({better})");
        sb.AppendLine();
        sb.AppendLine($"| rank | loss | learning rate | runs | mean ± sd | {level} t CI | {level} bootstrap CI | " +
                      "vs best (mean difference) | adjusted p | d_z | tied with best | diverged |");
        sb.AppendLine("|---:|---|---:|---:|---:|---|---|---:|---:|---:|---|---:|");
        foreach (var s in a.Ranked)
        {
            var m = s.Metrics[a.ScoreKey];
            var v = s.VersusBest;
            var isBest = v?.IsReference == true;
            var diff = isBest ? "best" : v?.Comparison is { Summary.Count: > 0 } c ? Signed(c.Summary.Mean, score) : "n/a";
            var boot = v is { } st && double.IsFinite(st.Bootstrap.Lower) ? $"[{Num(st.Bootstrap.Lower, score)}, {Num(st.Bootstrap.Upper, score)}]" : "n/a";
            sb.AppendLine($"| {(s.Rank is { } rank ? rank.ToString(Inv) : "-")} | {Cell(s.Loss.DisplayName)} | {Rate(s.LearningRate)} | {s.Runs}/{s.Seeds} | " +
                          $"{MeanSd(m, score)} | {Interval(m, score)} | {boot} | {diff} | {(isBest ? "" : PCell(v?.AdjustedPValue, v?.Note))} | " +
                          $"{(isBest || v?.EffectSize is not { } d ? "" : d.ToString("0.00", Inv))} | " +
                          $"{(v == null || !v.HasScores ? "–" : v.TiedWithReference ? "yes" : "no")} | {s.Diverged} |");
        }
        sb.AppendLine();
        if (a.VersusBest.MinimumDetectableDifference is { } mdd)
            sb.AppendLine($"With {a.VersusBest.DetectionPairs} paired seeds and the spread of the paired differences seen here, the smallest mean difference " +
                          $"this grid detects with 80% power at alpha {a.Alpha.ToString("0.###", Inv)} is about {Num(mdd, score + 1)} ({r.RankBy.Label}).");
        else
            sb.AppendLine("There are too few paired seeds (fewer than 2) to estimate which differences this grid could detect.");
        sb.AppendLine();

        // Baseline comparison.
        if (r.Baseline is { } baseline)
        {
            sb.AppendLine($"## Against the baseline: {baseline.DisplayName}");
            sb.AppendLine();
            sb.AppendLine($"Per-seed difference of the {scoreLabel}, loss − {baseline.DisplayName}, paired by seed " +
                          $"({(r.RankBy.HigherIsBetter ? "positive: better than the baseline" : "negative: better than the baseline")}); " +
                          "p is the two-sided paired t-test (t = mean / (sd / √n), n − 1 degrees of freedom), " +
                          "adjusted p is Holm's across the losses compared with the baseline. " +
                          "p is n/a with fewer than 2 pairs.");
            sb.AppendLine();
            sb.AppendLine($"| loss | pairs | mean difference | sd | {level} CI | t | p | adjusted p | d_z |");
            sb.AppendLine("|---|---:|---:|---:|---|---:|---:|---:|---:|");
            foreach (var s in a.Losses)
            {
                if (s.Loss == baseline) { sb.AppendLine($"| {Cell(s.Loss.DisplayName)} | | baseline | | | | | | |"); continue; }
                var v = s.VersusBaseline;
                if (v?.Comparison is not { Summary.Count: > 0 } c) { sb.AppendLine($"| {Cell(s.Loss.DisplayName)} | 0 | n/a | | | | n/a | n/a | |"); continue; }
                sb.AppendLine($"| {Cell(s.Loss.DisplayName)} | {c.Summary.Count} | " +
                              $"{Signed(c.Summary.Mean, score)} | {Num(c.Summary.StandardDeviation, score)} | " +
                              $"{SignedInterval(c.Summary, score)} | {(c.T is { } t ? t.ToString("0.00", Inv) : "n/a")} | {PCell(v.PValue, v.Note)} | " +
                              $"{PCell(v.AdjustedPValue, null)} | {(v.EffectSize is { } d ? d.ToString("0.00", Inv) : "n/a")} |");
            }
            sb.AppendLine();
        }

        WriteTuning(sb, a);
        WriteCalibration(sb, a);

        // All metrics.
        sb.AppendLine("## Every metric per loss");
        sb.AppendLine();
        sb.AppendLine($"Mean ± sd [{level} CI] over the finished seeds, at the validation-selected epoch and at the final epoch. " +
                      (r.Classification ? "NLL is the softmax cross-entropy of the class scores, the same yardstick whatever loss a run optimized." : ""));
        sb.AppendLine();
        foreach (var selected in new[] { true, false })
        {
            if (selected && !a.AtSelectedEpoch) continue;
            var keys = ScoreMetric.For(r.Classification).Select(m => (Metric: m, Key: ExperimentAnalysis.Key(m, selected))).ToList();
            sb.AppendLine($"**At the {(selected ? "validation-selected" : "final")} epoch**");
            sb.AppendLine();
            sb.AppendLine("| loss | " + string.Join(" | ", keys.Select(k => $"test {k.Metric.Label}")) + " |");
            sb.AppendLine("|---|" + string.Concat(keys.Select(_ => "---:|")));
            foreach (var s in a.Ranked)
                sb.AppendLine($"| {Cell(s.Loss.DisplayName)} | " + string.Join(" | ", keys.Select(k => Full(s.Metrics[k.Key], Decimals(a, k.Key)))) + " |");
            sb.AppendLine();
        }

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
            sb.AppendLine($"{a.Missing.Count} of {r.Losses.Count * r.Seeds.Count} (loss, seed) cells have no finished run; " +
                          "the statistics above leave them out.");
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
        var info = r.Experiment;
        if (info == null)
        {
            sb.AppendLine("experiment.json is missing from the folder: dataset sizes, device and versions are unknown.");
        }
        else
        {
            if (info.Dataset is { } ds)
            {
                var classes = ds.Classes?.ToString(Inv);
                sb.AppendLine($"- Dataset: {ds.Name ?? r.DatasetName} ({ds.Task ?? "?"}{(classes is null or "0" ? "" : $", {classes} classes")}), " +
                              $"{ds.Train?.ToString(Inv) ?? "?"} train / {ds.Validation?.ToString(Inv) ?? "?"} validation / " +
                              $"{ds.Test?.ToString(Inv) ?? "?"} test samples" +
                              $"{(ds.FeatureShape is { } shape ? $", feature shape [{string.Join(", ", shape.Select(x => x.ToString(Inv)))}]" : "")}");
                if (ds.Source is { } source) sb.AppendLine($"- Source: {source}");
                if (ds.Notes is { } notes)
                    foreach (var n in notes) sb.AppendLine($"  - {n}");
            }
            sb.AppendLine($"- Device: {info.Device ?? "?"}; libtorch threads: {info.Threads?.ToString(Inv) ?? "?"}; " +
                          $"processors: {info.Processors?.ToString(Inv) ?? "?"}; OS: {info.Os ?? "?"}");
            sb.AppendLine($"- Code: git commit {info.GitCommit ?? "unknown (not run inside a git checkout)"}" +
                          (info.GitDirty == true ? " **with uncommitted changes**" : info.GitDirty == false ? " (clean tree)" : ""));
            sb.AppendLine($"- CPU: {info.Cpu ?? "?"}; vector extensions: {info.VectorExtensions ?? "?"}");
            sb.AppendLine($"- Versions: TorchSharp {info.TorchSharp ?? "?"}, {info.LibTorch ?? "libtorch ?"}, .NET {info.Dotnet ?? "?"}; report: " +
                          string.Join(", ", ExperimentReport.ReportLibraries().Select(l => $"{l.Name} {l.Version}")));
        }
        var runSeconds = r.Runs.Select(x => x.Summary?.Seconds).OfType<double>().Sum();
        var finishedFlag = info?.Finished == true;
        var wall = info?.Seconds;
        sb.AppendLine(wall is { } w && finishedFlag
            ? $"- Total wall time: {w.ToString("0.0", Inv)} s (sum of the runs' own times: {runSeconds.ToString("0.0", Inv)} s)"
            : "- Total wall time: not recorded (the last `harness run` into this folder did not finish, or pieces were merged); " +
              $"sum of the runs' own times: {runSeconds.ToString("0.0", Inv)} s");
        if (info?.Command is { } command) sb.AppendLine($"- Command: `{command}`");
        sb.AppendLine($"- Report: `harness report {r.Folder}`");
        if (info?.Determinism is { } det) sb.AppendLine($"- {det}");
    }

    /// <summary>Decimals for a metric: four significant digits of the largest mean in the table, 0 to 6 places.</summary>
    internal static int Decimals(ExperimentAnalysis a, string key) => Decimals(a.Losses.Select(s => s.Metrics[key].Mean), key);

    /// <summary>Decimals for a metric with these means.</summary>
    internal static int Decimals(IEnumerable<double> means, string key)
    {
        if (key == "epochsToTarget") return 1;
        if (key == "secondsToTarget") return 2;
        var finite = means.Where(double.IsFinite).Select(Math.Abs).Where(x => x > 0).ToList();
        if (finite.Count == 0) return 4;
        return Math.Clamp(3 - (int)Math.Floor(Math.Log10(finite.Max())), 0, 6);
    }

    static string Rate(double? rate) => rate is { } x ? x.ToString("G4", Inv) : "?";

    static string PCell(double? p, string? note) => p is { } v ? P(v) : note is { } n ? $"n/a ({Cell(n)})" : "n/a";

    static void WriteTuning(StringBuilder sb, ExperimentAnalysis a)
    {
        var r = a.Results;
        if (r.TuningRates.Count == 0) return;
        var selection = r.TuningRuns.Select(x => x.Summary?.Selection).FirstOrDefault(x => x != null) ?? "validation score";
        sb.AppendLine("## Learning-rate tuning");
        sb.AppendLine();
        sb.AppendLine($"Each loss trained with every candidate rate on the tuning seeds ({string.Join(", ", r.TuningSeeds)}); the rate with the best mean " +
                      $"{selection} at each run's selected epoch was used for its evaluation seeds. " +
                      "Cells: mean ± sd over tuning seeds (– : diverged on some seed or not finished); **bold**: chosen. No test number enters the choice.");
        sb.AppendLine();
        sb.AppendLine("| loss | " + string.Join(" | ", r.TuningRates.Select(x => x.ToString("G4", Inv))) + " |");
        sb.AppendLine("|---|" + string.Concat(r.TuningRates.Select(_ => "---:|")));
        foreach (var loss in r.Losses)
        {
            if (!a.Tuning.TryGetValue(loss, out var choice)) continue;
            var cells = choice.Candidates.Select(c =>
            {
                var summary = SampleSummary.Of(c.Scores);
                var text = double.IsFinite(c.Mean) && c.Scores.Count == r.TuningSeeds.Count ? MeanSd(summary, 4) : "–";
                return c.LearningRate == choice.Chosen && text != "–" ? $"**{text}**" : text;
            });
            sb.AppendLine($"| {Cell(loss.DisplayName)} | {string.Join(" | ", cells)} |");
        }
        sb.AppendLine();
        // A rate chosen at the end of the grid may not be the best rate at all: the grid may end before the optimum.
        var sorted = r.TuningRates.Order().ToList();
        var atEdge = a.Tuning
            .Where(kv => !kv.Value.AllDiverged && sorted.Count > 1 && (kv.Value.Chosen == sorted[0] || kv.Value.Chosen == sorted[^1]))
            .ToList();
        foreach (var (loss, choice) in atEdge)
            sb.AppendLine($"- {loss.DisplayName}: the chosen rate {Rate(choice.Chosen)} is the " +
                          $"{(choice.Chosen == sorted[0] ? "smallest" : "largest")} candidate, " +
                          $"so a better rate may lie {(choice.Chosen == sorted[0] ? "below" : "above")} the grid; widen tuning.learningRates to be sure.");
        foreach (var (loss, _) in a.Tuning.Where(kv => kv.Value.AllDiverged))
            sb.AppendLine($"- {loss.DisplayName}: every candidate diverged on some tuning seed (or did not finish), so the first candidate was used.");
        if (atEdge.Count > 0 || a.Tuning.Any(kv => kv.Value.AllDiverged)) sb.AppendLine();
    }

    static void WriteCalibration(StringBuilder sb, ExperimentAnalysis a)
    {
        var r = a.Results;
        if (!r.Classification) return;
        var at = a.AtSelectedEpoch;
        sb.AppendLine("## Calibration");
        sb.AppendLine();
        sb.AppendLine($"Test calibration at the {(at ? "validation-selected" : "final")} epoch, mean ± sd over seeds (lower is better for all): " +
                      "NLL, Brier score, ECE over 15 equal-width confidence bins, adaptive ECE over 15 equal-mass bins, and classwise ECE. " +
                      "Probabilities are the softmax of the model's class scores (for a single-output head, the sigmoid); " +
                      "for losses that train scores rather than probabilities (hinge, multi-margin) " +
                      "that softmax is a convention, so their calibration says how usable the scores are as probabilities, not how well the loss calibrates.");
        sb.AppendLine();
        var metrics = new[] { ScoreMetric.Nll, ScoreMetric.Brier, ScoreMetric.Ece, ScoreMetric.AdaptiveEce, ScoreMetric.ClasswiseEce };
        sb.AppendLine("| loss | " + string.Join(" | ", metrics.Select(m => m.Label)) + " |");
        sb.AppendLine("|---|" + string.Concat(metrics.Select(_ => "---:|")));
        foreach (var s in a.Ranked)
            sb.AppendLine($"| {Cell(s.Loss.DisplayName)} | " + string.Join(" | ", metrics.Select(m =>
                MeanSd(s.Metrics[ExperimentAnalysis.Key(m, at)], Decimals(a, ExperimentAnalysis.Key(m, at))))) + " |");
        sb.AppendLine();
        var scaled = r.Runs.Where(x => x.Summary?.Calibration?["temperature"] != null).ToList();
        if (scaled.Count > 0)
        {
            sb.AppendLine("Temperature scaling (one temperature per run, fitted on the validation split by minimizing NLL, applied to the final model's test " +
                          "scores; it cannot change accuracy). Mean over seeds, before → after:");
            sb.AppendLine();
            sb.AppendLine("| loss | temperature | NLL | Brier | ECE | adaptive ECE | classwise ECE |");
            sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var s in a.Ranked)
            {
                var runs = scaled.Where(x => x.Loss == s.Loss).ToList();
                if (runs.Count == 0) continue;
                double Mean(string part, string key) => runs
                    .Select(x => x.Summary!.Calibration![part]?[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : double.NaN)
                    .Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
                string Pair(string key) => $"{Num(Mean("before", key), 4)} → {Num(Mean("after", key), 4)}";
                var t = runs.Select(x => x.Summary!.Calibration!["temperature"] is JsonValue v && v.TryGetValue<double>(out var d) ? d : double.NaN)
                    .Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
                sb.AppendLine($"| {Cell(s.Loss.DisplayName)} | {Num(t, 3)} | {Pair("nll")} | {Pair("brier")} | {Pair("ece")} | {Pair("adaptiveEce")} | " +
                              $"{Pair("classwiseEce")} |");
            }
            sb.AppendLine();
        }
        sb.AppendLine("Reliability diagrams (final model, test split, all seeds pooled) are under [Plots](#plots): " +
                      "a calibrated model's bars follow the diagonal; bars below it mean over-confidence.");
        sb.AppendLine();
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
