using System.Text.Json.Nodes;
using Harness.Cli;
using Harness.Reporting;
using Harness.Tests.Cli;
using Xunit;

namespace Harness.Tests.Reporting;

/// <summary>
/// `harness report` on hand-written results folders with known numbers. Expected values are computed independently of
/// MathNet: the t quantiles from their closed forms for 1 and 2 degrees of freedom (tan(pi (p - 1/2)) and
/// (2p - 1) sqrt(2 / (4p(1 - p)))), the paired p-value for 2 dof from 1 - |t| / sqrt(2 + t^2).
/// </summary>
public class ExperimentReportTests
{
    const double T975Dof1 = 12.706204736174705; // tan(0.475 pi)
    const double T975Dof2 = 4.302652729911275;  // 0.95 * sqrt(2 / 0.0975)

    /// <summary>CE (3 seeds), MSE on softmax (3 seeds), Focal (2 finished, 1 interrupted), Hinge (never run).</summary>
    static ResultsFolderBuilder ClassificationFolder()
    {
        var b = new ResultsFolderBuilder(classification: true)
            .Config([("cross-entropy", "CE"), ("mse", "MSE on softmax"), ("focal", "Focal"), ("multi-margin", "Hinge")], [0, 1, 2], target: 0.9)
            .Experiment()
            .Run("ce-seed0", "CE", "cross-entropy", 0, 0.90, epochsToTarget: 3, yardstick: 0.3, recall: [1.0, 0.8])
            .Run("ce-seed1", "CE", "cross-entropy", 1, 0.92, epochsToTarget: 5, yardstick: 0.4, recall: [0.9, 0.8])
            .Run("ce-seed2", "CE", "cross-entropy", 2, 0.94, yardstick: 0.5, recall: [0.8, 0.8])
            .Run("mse-on-softmax-seed0", "MSE on softmax", "mse", 0, 0.80, recall: [0.8, 0.8])
            .Run("mse-on-softmax-seed1", "MSE on softmax", "mse", 1, 0.85, recall: [0.8, 0.9])
            .Run("mse-on-softmax-seed2", "MSE on softmax", "mse", 2, 0.87, recall: [0.9, 0.8])
            .Run("focal-seed0", "Focal", "focal", 0, 0.95)
            .Run("focal-seed1", "Focal", "focal", 1, 0.97)
            .Run("focal-seed2", "Focal", "focal", 2, 0.5, writeSummary: false);
        // A stale grid summary must not be read.
        File.WriteAllText(b.PathOf("summary.csv"), "this,is,stale\nnot,a,number\n");
        return b;
    }

    [Fact]
    public void Student_t_quantiles_and_sample_statistics_match_independent_values()
    {
        Assert.Equal(T975Dof2, SampleSummary.StudentQuantile(0.95, 2), 9);
        Assert.Equal(T975Dof1, SampleSummary.StudentQuantile(0.95, 1), 9);
        var s = SampleSummary.Of([0.90, 0.92, 0.94, double.NaN]);
        Assert.Equal(3, s.Count);
        Assert.Equal(0.92, s.Mean, 12);
        Assert.Equal(0.02, s.StandardDeviation, 12);
        // MathNet inverts the t CDF numerically: its quantile is good to about 1e-10.
        Assert.Equal(T975Dof2 * 0.02 / Math.Sqrt(3), s.HalfWidth, 9);
        Assert.Equal(0.92 - T975Dof2 * 0.02 / Math.Sqrt(3), s.Lower, 9);
        var one = SampleSummary.Of([0.5]);
        Assert.Equal(0.5, one.Mean);
        Assert.False(one.HasInterval);
        Assert.Equal(0, SampleSummary.Of([]).Count);
    }

    [Fact]
    public void Paired_t_test_matches_the_closed_form_for_two_degrees_of_freedom()
    {
        var baseline = new Dictionary<int, double> { [0] = 0.90, [1] = 0.92, [2] = 0.94 };
        var loss = new Dictionary<int, double> { [0] = 0.80, [1] = 0.85, [2] = 0.87, [7] = 0.99 };
        var c = PairedComparison.Of(loss, baseline);
        Assert.Equal([0, 1, 2], c.Seeds);
        Assert.Equal(-0.08, c.Summary.Mean, 12);
        Assert.Equal(Math.Sqrt(0.0003), c.Summary.StandardDeviation, 12);
        Assert.Equal(-8.0, c.T!.Value, 9);
        Assert.Equal(1 - 8 / Math.Sqrt(66), c.PValue!.Value, 12);
        Assert.Null(c.Note);

        var constant = PairedComparison.Of(new Dictionary<int, double> { [0] = 0.95, [1] = 0.97 }, baseline);
        Assert.Null(constant.PValue);
        Assert.Contains("zero variance", constant.Note);
        Assert.Equal(0.05, constant.Summary.Mean, 12);

        var single = PairedComparison.Of(new Dictionary<int, double> { [0] = 0.95, [5] = 0.97 }, baseline);
        Assert.Null(single.PValue);
        Assert.Contains("fewer than 2", single.Note);
    }

    [Fact]
    public void Classification_report_has_the_statistics_ranking_comparison_and_missing_cells()
    {
        using var b = ClassificationFolder();
        var files = ExperimentReport.Write(b.Folder);
        var json = JsonNode.Parse(File.ReadAllText(files.Json))!;
        JsonNode Loss(string name) => json["losses"]!.AsArray().Single(l => (string)l!["loss"]! == name)!;

        var ce = Loss("CE");
        var acc = ce["metrics"]!["testAccuracyAtSelectedEpoch"]!;
        Assert.Equal(3, (int)acc["n"]!);
        Assert.Equal(0.92, (double)acc["mean"]!, 12);
        Assert.Equal(0.02, (double)acc["sd"]!, 12);
        Assert.Equal(T975Dof2 * 0.02 / Math.Sqrt(3), (double)acc["ciHalfWidth"]!, 9);
        Assert.Equal(0.92, (double)ce["metrics"]!["testAccuracyAtFinalEpoch"]!["mean"]!, 12);
        Assert.Equal(0.4, (double)ce["metrics"]!["testNllAtSelectedEpoch"]!["mean"]!, 12);
        Assert.Equal(0.92, (double)ce["metrics"]!["testBalancedAccuracyAtSelectedEpoch"]!["mean"]!, 12);
        Assert.Equal(0.08, (double)ce["metrics"]!["testEceAtSelectedEpoch"]!["mean"]!, 12);
        // Epochs to target over the 2 of 3 seeds that reached it: 3 and 5.
        Assert.Equal(2, (int)ce["reachedTarget"]!);
        var toTarget = ce["metrics"]!["epochsToTarget"]!;
        Assert.Equal(4.0, (double)toTarget["mean"]!, 12);
        Assert.Equal(T975Dof1 * Math.Sqrt(2) / Math.Sqrt(2), (double)toTarget["ciHalfWidth"]!, 9);
        Assert.Equal([0.9, 0.8], ce["meanRecallPerClass"]!.AsArray().Select(x => (double)x!).Select(x => Math.Round(x, 12)));

        var mse = Loss("MSE on softmax")["versusBaseline"]!;
        Assert.Equal(3, (int)mse["pairs"]!);
        Assert.Equal(-0.08, (double)mse["difference"]!["mean"]!, 12);
        Assert.Equal(-8.0, (double)mse["t"]!, 9);
        Assert.Equal(1 - 8 / Math.Sqrt(66), (double)mse["p"]!, 12);
        // Focal - CE is +0.05 on both paired seeds: a constant difference, which the paired test cannot score (sd 0).
        Assert.Equal(2, (int)Loss("Focal")["versusBaseline"]!["pairs"]!);
        Assert.Null(ce["versusBaseline"]);
        Assert.Equal("CE", (string)json["baseline"]!);

        Assert.Equal(["Focal", "CE", "MSE on softmax"], json["ranking"]!.AsArray().Select(x => (string)x!));
        Assert.Null(Loss("Hinge")["rank"]);
        var missing = json["missing"]!.AsArray().Select(m => ((string)m!["loss"]!, (int)m["seed"]!, (string)m["reason"]!)).ToList();
        Assert.Equal(4, missing.Count);
        Assert.Contains(missing, m => m.Item1 == "Focal" && m.Item2 == 2 && m.Item3.Contains("no summary.json"));
        Assert.Equal([0, 1, 2], missing.Where(m => m.Item1 == "Hinge").Select(m => m.Item2));
        Assert.All(missing.Where(m => m.Item1 == "Hinge"), m => Assert.Contains("not run", m.Item3));

        var md = File.ReadAllText(files.Markdown);
        Assert.Contains("# synthetic: 4 losses compared on digits", md);
        var rows = new[] { "| 1 | Focal | 0.001 | 2/3 |", "| 2 | CE | 0.001 | 3/3 | 0.9200 ± 0.0200 | [0.8703, 0.9697] |",
            "| 3 | MSE on softmax | 0.001 | 3/3 |", "| - | Hinge | ? | 0/3 |" };
        var positions = rows.Select(r => md.IndexOf(r, StringComparison.Ordinal)).ToList();
        Assert.All(positions, p => Assert.True(p >= 0, md));
        Assert.Equal(positions.OrderBy(p => p), positions);
        Assert.Contains("| MSE on softmax | 3 | -0.0800 |", md);
        Assert.Contains("## Verdict", md);
        Assert.Contains((string)json["verdict"]!, md);
        Assert.Contains("## Calibration", md);
        Assert.Contains("| Hinge | 1 | not run", md);
        Assert.Contains("| Focal | 2 | no summary.json in runs/focal-seed2", md);
        Assert.Contains("2/3 reached", md);
        Assert.Contains("100 train / 10 validation / 20 test", md);
        Assert.Contains("`harness run experiments/synthetic.json`", md);
        Assert.Contains("```json", md);
        Assert.Contains("\"convergenceTarget\": 0.9", md);
        Assert.Contains("## Test recall per class", md);
        Assert.Contains("| CE | 0.900 | 0.800 |", md);
        Assert.Contains("(plots/test-accuracy.png)", md);
    }

    [Fact]
    public void Nothing_reported_or_ranked_is_a_maximum_over_test_epochs()
    {
        // Test accuracy peaks at epoch 2 (0.99), validation at epoch 3: the report must read the test set at epoch 3
        // (selected) and epoch 4 (final), never at its own best epoch.
        double[] validation = [0.70, 0.80, 0.90, 0.85];
        using var b = new ResultsFolderBuilder(classification: true)
            .Config([("cross-entropy", "CE"), ("mse", "MSE")], [0, 1])
            .Experiment()
            .Run("ce-seed0", "CE", "cross-entropy", 0, 0.60, validationCurve: validation, testCurve: [0.70, 0.99, 0.80, 0.60])
            .Run("ce-seed1", "CE", "cross-entropy", 1, 0.62, validationCurve: validation, testCurve: [0.70, 0.98, 0.82, 0.62])
            .Run("mse-seed0", "MSE", "mse", 0, 0.84, validationCurve: validation, testCurve: [0.70, 0.85, 0.84, 0.84])
            .Run("mse-seed1", "MSE", "mse", 1, 0.86, validationCurve: validation, testCurve: [0.70, 0.87, 0.86, 0.86]);
        var files = ExperimentReport.Write(b.Folder);
        var a = files.Analysis;
        Assert.True(a.AtSelectedEpoch);
        var ce = a.Losses.Single(s => s.Loss.DisplayName == "CE");
        Assert.Equal(0.81, ce.Metrics["testAccuracyAtSelectedEpoch"].Mean, 12);
        Assert.Equal(0.61, ce.Metrics["testAccuracyAtFinalEpoch"].Mean, 12);
        Assert.Equal([0.80, 0.82], ce.Scores.OrderBy(kv => kv.Key).Select(kv => kv.Value));
        // By the test maximum CE (0.985) would beat MSE (0.86); at the selected epoch MSE (0.85) is ahead of CE (0.81).
        Assert.Equal("MSE", a.Ranked[0].Loss.DisplayName);
        var text = File.ReadAllText(files.Markdown) + File.ReadAllText(files.Json);
        foreach (var peak in new[] { "0.985", "0.9850" }) Assert.DoesNotContain(peak, text);
        Assert.DoesNotContain("best test", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_report_names_the_rate_tuning_chose_by_validation_even_where_test_disagrees()
    {
        // Rate 0.01 has the better validation score (0.9 against 0.8) but the worse test score (0.5 against 0.95).
        using var b = new ResultsFolderBuilder(classification: true)
            .Config([("cross-entropy", "CE")], [0])
            .Tuning([0.001, 0.01], [100, 101])
            .Experiment();
        foreach (var seed in new[] { 100, 101 })
        {
            b.Run($"ce-lr0.001-seed{seed}", "CE", "cross-entropy", seed, 0.95, validationCurve: [0.7, 0.8], testCurve: [0.9, 0.95], learningRate: 0.001,
                runsSubfolder: "tuning");
            b.Run($"ce-lr0.01-seed{seed}", "CE", "cross-entropy", seed, 0.5, validationCurve: [0.8, 0.9], testCurve: [0.6, 0.5], learningRate: 0.01,
                runsSubfolder: "tuning");
        }
        b.Run("ce-seed0", "CE", "cross-entropy", 0, 0.9, learningRate: 0.01);
        var files = ExperimentReport.Write(b.Folder);
        var choice = files.Analysis.Tuning.Single().Value;
        Assert.Equal(0.01, choice.Chosen);
        Assert.Equal([0.8, 0.9], choice.Candidates.Select(c => c.Mean));
        var md = File.ReadAllText(files.Markdown);
        Assert.Contains("## Learning-rate tuning", md);
        Assert.Contains("| CE | 0.8000 ± 0.0000 | **0.9000 ± 0.0000** |", md);
        Assert.Contains(files.Plots, p => p.Name == "learning-rate-sensitivity");
        // Tuning runs are not evaluation runs: no tuning seed appears among the ranked cells.
        Assert.Equal([0], files.Analysis.Results.Seeds);
    }

    [Fact]
    public void Plots_are_written_as_non_empty_png_and_svg_without_temporary_files()
    {
        using var b = ClassificationFolder();
        var files = ExperimentReport.Write(b.Folder);
        Assert.Equal(["validation-accuracy", "training-loss", "test-accuracy"], files.Plots.Where(p => !p.Name.StartsWith("reliability-")).Select(p => p.Name));
        foreach (var plot in files.Plots)
        {
            var png = File.ReadAllBytes(b.PathOf(plot.Png));
            Assert.True(png.Length > 5000, plot.Png);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png.Take(4));
            var svg = File.ReadAllText(b.PathOf(plot.Svg));
            Assert.Contains("<svg", svg);
            Assert.True(svg.Length > 2000, plot.Svg);
        }
        Assert.Empty(Directory.GetFiles(b.Folder, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Regression_report_ranks_by_lowest_rmse_and_takes_mae_from_metrics_csv()
    {
        using var b = new ResultsFolderBuilder(classification: false, "reg")
            .Config([("mse", "MSE"), ("l1", "L1"), ("huber", "Huber")], [0, 1], baseline: "l1", dataset: "diabetes")
            .Experiment("diabetes")
            .Run("mse-seed0", "MSE", "mse", 0, 50, yardstick: 2500, mae: 40)
            .Run("mse-seed1", "MSE", "mse", 1, 52, yardstick: 2704, mae: 42)
            .Run("l1-seed0", "L1", "l1", 0, 48, mae: 38)
            .Run("l1-seed1", "L1", "l1", 1, 49, mae: 39)
            .Run("huber-seed0", "Huber", "huber", 0, 51, mae: 41)
            .Run("huber-seed1", "Huber", "huber", 1, 55, mae: 45, diverged: true);
        var files = ExperimentReport.Write(b.Folder);
        var json = JsonNode.Parse(File.ReadAllText(files.Json))!;
        Assert.Equal("regression", (string)json["task"]!);
        Assert.Equal("L1", (string)json["baseline"]!);
        Assert.Equal(["L1", "MSE", "Huber"], json["ranking"]!.AsArray().Select(x => (string)x!));
        var mse = json["losses"]!.AsArray().Single(l => (string)l!["loss"]! == "MSE")!;
        Assert.Equal(51.0, (double)mse["metrics"]!["testRmseAtSelectedEpoch"]!["mean"]!, 12);
        Assert.Equal(T975Dof1 * Math.Sqrt(2) / Math.Sqrt(2), (double)mse["metrics"]!["testRmseAtSelectedEpoch"]!["ciHalfWidth"]!, 9);
        Assert.Equal(41.0, (double)mse["metrics"]!["testMaeAtFinalEpoch"]!["mean"]!, 12);
        // MSE - L1 per seed: 2 and 3.
        Assert.Equal(2.5, (double)mse["versusBaseline"]!["difference"]!["mean"]!, 12);
        Assert.Equal(1, (int)json["losses"]!.AsArray().Single(l => (string)l!["loss"]! == "Huber")!["diverged"]!);
        Assert.Null(mse["meanRecallPerClass"]);

        var md = File.ReadAllText(files.Markdown);
        Assert.Contains("Ranking by mean test RMSE at the selected epoch (lower is better)", md);
        Assert.Contains("| 1 | L1 | 0.001 | 2/2 | 48.50 ± 0.71 |", md);
        Assert.Contains("Huber seed 1 diverged: train loss became NaN", md);
        Assert.DoesNotContain("recall per class", md);
        Assert.Contains("No convergence target was set", md);
        Assert.True(File.Exists(b.PathOf("plots", "validation-rmse.png")));
        Assert.True(File.Exists(b.PathOf("plots", "test-rmse.svg")));
    }

    [Fact]
    public void Pieces_of_a_grid_are_merged_from_the_run_folders_alone()
    {
        // The config of the last piece lists seed 0 only; the folder also holds seed 1 and a loss run by another piece.
        using var b = new ResultsFolderBuilder(classification: true)
            .Config([("cross-entropy", "CE")], [0])
            .Run("ce-seed0", "CE", "cross-entropy", 0, 0.9)
            .Run("ce-seed1", "CE", "cross-entropy", 1, 0.8)
            .Run("poly1-seed0", "Poly1", "poly1", 0, 0.95);
        var results = ExperimentResults.Read(b.Folder);
        Assert.Equal([0, 1], results.Seeds);
        Assert.Equal(["CE", "Poly1"], results.Losses.Select(l => l.DisplayName));
        Assert.Contains(results.Warnings, w => w.Contains("Poly1"));
        Assert.True(results.Classification);
        var analysis = ExperimentAnalysis.Of(results);
        Assert.Equal(0.85, analysis.Losses[0].Metrics["testAccuracyAtSelectedEpoch"].Mean, 12);
        Assert.Contains(analysis.Missing, m => m.Loss == "Poly1" && m.Seed == 1);
        // Without experiment.json the report still runs and says what it lacks.
        var files = ExperimentReport.Write(b.Folder);
        Assert.Contains("experiment.json is missing", File.ReadAllText(files.Markdown));
    }

    [Fact]
    public void A_folder_without_finished_runs_still_gets_a_report_and_drawn_plots()
    {
        using var b = new ResultsFolderBuilder(classification: true)
            .Config([("cross-entropy", "CE"), ("mse", "MSE")], [0, 1], target: 0.9)
            .Run("ce-seed0", "CE", "cross-entropy", 0, 0.9, epochs: 0, writeSummary: false);
        var files = ExperimentReport.Write(b.Folder);
        Assert.Equal(4, files.Analysis.Missing.Count);
        Assert.Contains("metrics.csv has 0 epoch(s)", File.ReadAllText(files.Markdown));
        // An empty plot with an outside legend used to come out blank (a PNG of about 3 kB).
        foreach (var plot in files.Plots)
            Assert.True(new FileInfo(b.PathOf(plot.Png)).Length > 8000, plot.Png);
    }

    [Fact]
    public void A_malformed_metrics_csv_is_reported_with_file_and_line()
    {
        using var b = ClassificationFolder();
        var path = b.PathOf("runs", "ce-seed1", "metrics.csv");
        var lines = File.ReadAllLines(path);
        var cells = lines[2].Split(',');
        cells[Array.IndexOf(Harness.Results.MetricsFile.Columns, "test_accuracy")] = "0.9x";
        lines[2] = string.Join(",", cells);
        File.WriteAllLines(path, lines);
        var e = Assert.Throws<Harness.Results.ResultsFolderException>(() => ExperimentReport.Write(b.Folder));
        Assert.Contains(Path.Combine("ce-seed1", "metrics.csv") + ":3", e.Message);
        Assert.Contains("'test_accuracy' is not a number: '0.9x'", e.Message);

        lines[2] = "1,2,3";
        File.WriteAllLines(path, lines);
        e = Assert.Throws<Harness.Results.ResultsFolderException>(() => ExperimentReport.Write(b.Folder));
        Assert.Contains("metrics.csv:3: 3 fields where the header has", e.Message);

        File.WriteAllText(b.PathOf("runs", "ce-seed0", "summary.json"), "{ not json");
        e = Assert.Throws<Harness.Results.ResultsFolderException>(() => ExperimentResults.Read(b.Folder));
        Assert.Contains("summary.json: not valid JSON", e.Message);
    }

    [Fact]
    public void Log_axis_ticks_label_more_values_when_the_range_is_narrow()
    {
        var wide = ExperimentPlots.LogTicks(-3, 0.3);
        Assert.Equal(["0.0001", "0.001", "0.01", "0.1", "1", "10"], wide.Where(t => t.Label != null).Select(t => t.Label!));
        var narrow = ExperimentPlots.LogTicks(Math.Log10(0.17), Math.Log10(0.7));
        Assert.Contains(narrow, t => t.Label == "0.3" && Math.Abs(t.Position - Math.Log10(0.3)) < 1e-12);
        Assert.Contains(narrow, t => t.Label == "0.7");
        Assert.Equal("1e5", ExperimentPlots.FormatTick(1, 5));
        Assert.Equal("0.05", ExperimentPlots.FormatTick(5, -2));
    }

    [Fact, Trait("Category", TestCategory.Process)]
    public void The_cli_reports_a_folder_and_rejects_one_that_is_not_a_results_folder()
    {
        using var b = ClassificationFolder();
        var (code, stdout, stderr) = HarnessProcess.Run(b.Folder, "report", b.Folder);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("Report:", stdout);
        Assert.Contains("Focal", stdout);

        var empty = HarnessProcess.TempFolder();
        try
        {
            (code, stdout, stderr) = HarnessProcess.Run(empty, "report", empty);
            Assert.Equal(ExitCodes.BadInput, code);
            Assert.Contains("is not an experiment results folder: it has no config.resolved.json", stderr);
            Assert.DoesNotContain("   at ", stderr);
            Assert.Empty(Directory.GetFileSystemEntries(empty));

            (code, _, stderr) = HarnessProcess.Run(empty, "report", Path.Combine(empty, "nope"));
            Assert.Equal(ExitCodes.BadInput, code);
            Assert.Contains("is not a folder", stderr);
        }
        finally { Directory.Delete(empty, true); }
    }
}
