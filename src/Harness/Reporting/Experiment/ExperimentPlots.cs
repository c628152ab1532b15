using System.Globalization;
using Harness.Metrics.Calibration;
using Harness.Output;
using ScottPlot;

namespace Harness.Reporting;

// ScottPlot 5 draws through SkiaSharp and writes both PNG and SVG from one plot. Its SkiaSharp native library comes
// from SkiaSharp.NativeAssets.Linux.NoDependencies (no fontconfig or other system libraries), which loads on a bare
// Debian 12; the alternatives (OxyPlot's SkiaSharp exporter, Plotly.NET) either need more native libraries or a
// browser to write images.

/// <summary>A plot written as PNG and SVG.</summary>
/// <param name="Name">File stem, e.g. "validation-accuracy".</param>
/// <param name="Title">What it shows, for links.</param>
/// <param name="Png">Path relative to the results folder (forward slashes).</param>
/// <param name="Svg">Path relative to the results folder.</param>
public sealed record ReportPlot(string Name, string Title, string Png, string Svg);

/// <summary>The report's plots: validation curve, training loss (log scale), final test score with 95% CIs.</summary>
public static class ExperimentPlots
{
    const int Width = 960, Height = 560;

    /// <summary>Writes every plot under <c>&lt;folder&gt;/plots</c> (atomically); returns what was written.</summary>
    public static IReadOnlyList<ReportPlot> Write(ExperimentAnalysis analysis, string folder)
    {
        var plots = new List<ReportPlot>();
        var r = analysis.Results;
        var progress = r.Classification ? "validation-accuracy" : "validation-rmse";
        plots.Add(Save(ValidationCurve(analysis), folder, progress,
            r.Classification ? "Validation accuracy per epoch" : "Validation RMSE per epoch"));
        plots.Add(Save(TrainingLoss(analysis), folder, "training-loss", "Training loss per epoch (log scale)"));
        plots.Add(Save(Scores(analysis), folder, "test-" + r.RankBy.Key,
            $"{char.ToUpperInvariant(analysis.ScoreName[0])}{analysis.ScoreName[1..]} per loss with {Percent(analysis.Level)} confidence intervals"));
        if (r.TuningRates.Count > 0)
            plots.Add(Save(Sensitivity(analysis), folder, "learning-rate-sensitivity", "Validation score against learning rate (tuning runs)"));
        foreach (var loss in r.Losses)
            if (PooledReliability(r.Runs.Where(x => x.Loss == loss && x.Complete)) is { } bins)
            {
                var title = $"Reliability diagram: {loss.DisplayName}";
                plots.Add(Save(ReliabilityDiagramPlot.Draw($"{r.Name}: {loss.DisplayName}, test split, " +
                                                           $"final model ({bins.Sum(b => b.Count)} predictions over {Seeds(analysis)})", bins),
                    folder, "reliability-" + Experiments.ExperimentPlan.RunId(loss.DisplayName), title));
            }
        return plots;
    }

    /// <summary>Writes a plot as plots/&lt;name&gt;.png and .svg under <paramref name="folder"/>, atomically (every report's plots go through here).</summary>
    internal static ReportPlot Save(Plot plot, string folder, string name, string title, int width = Width, int height = Height)
    {
        var layout = new Results.ResultsLayout(folder);
        var png = layout.Plot(name, "png");
        var svg = layout.Plot(name, "svg");
        AtomicFile.WriteAllBytes(png, plot.GetImageBytes(width, height, ImageFormat.Png));
        AtomicFile.WriteAllText(svg, plot.GetSvgXml(width, height));
        return new ReportPlot(name, title, Results.ResultsLayout.PlotRelative(name, "png"), Results.ResultsLayout.PlotRelative(name, "svg"));
    }

    /// <summary>
    /// Per epoch over the finished seeds of a loss: the mean of a per-epoch value and its 95% Student t interval (the
    /// mean itself where one seed has the epoch).
    /// </summary>
    internal sealed record Curve(double[] Epochs, double[] Mean, double[] Lower, double[] Upper);

    internal static Curve? Aggregate(IEnumerable<RunRecord> runs, Func<Metrics.EpochMetrics, double?> value, Func<double, bool>? keep = null)
    {
        keep ??= double.IsFinite;
        var byEpoch = runs.SelectMany(run => run.Epochs)
            .Select(row => (row.Epoch, Value: value(row)))
            .Where(x => x.Value is { } v && double.IsFinite(v) && keep(v))
            .GroupBy(x => x.Epoch, x => x.Value!.Value)
            .OrderBy(g => g.Key).ToList();
        if (byEpoch.Count == 0) return null;
        var summaries = byEpoch.Select(g => SampleSummary.Of(g)).ToList();
        return new Curve(byEpoch.Select(g => (double)g.Key).ToArray(), summaries.Select(m => m.Mean).ToArray(),
            summaries.Select(m => m.HasInterval ? m.Lower : m.Mean).ToArray(), summaries.Select(m => m.HasInterval ? m.Upper : m.Mean).ToArray());
    }

    static IEnumerable<RunRecord> Finished(ExperimentResults r, ReportLoss loss) => r.Runs.Where(x => x.Loss == loss && x.Complete);

    /// <summary>A sans-serif font that is installed (ScottPlot's default resolves to a serif font on Debian); null: keep the default.</summary>
    static readonly string? SansFont = new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Noto Sans" }
        .FirstOrDefault(f => SkiaSharp.SKFontManager.Default.FontFamilies.Contains(f));

    internal static Plot NewPlot(string title, string x, string y)
    {
        var plot = new Plot();
        if (SansFont != null) plot.Font.Set(SansFont);
        plot.Title(title);
        plot.XLabel(x);
        plot.YLabel(y);
        plot.Axes.Title.Label.FontSize = 17;
        plot.Axes.Bottom.Label.FontSize = 15;
        plot.Axes.Left.Label.FontSize = 15;
        return plot;
    }

    static string Percent(double level) => (level * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    static Color ColorOf(ExperimentAnalysis a, ReportLoss loss) => new ScottPlot.Palettes.Category10().GetColor(a.Results.Losses.ToList().IndexOf(loss));

    static string Seeds(ExperimentAnalysis a) => a.Results.Seeds.Count == 1 ? "1 seed" : $"{a.Results.Seeds.Count} seeds";

    static void CurvePlot(Plot plot, ExperimentAnalysis a, Func<Metrics.EpochMetrics, double?> value, Func<double, double> transform, Func<double, bool>? keep)
    {
        var any = false;
        foreach (var loss in a.Results.Losses)
        {
            var curve = Aggregate(Finished(a.Results, loss), value, keep);
            if (curve == null) continue;
            any = true;
            var color = ColorOf(a, loss);
            // Log-scale curves leave out a band that reaches zero or below (its log is undefined).
            if (curve.Epochs.Length > 1 && curve.Lower.Zip(curve.Upper).Any(p => p.First != p.Second) && curve.Lower.All(v => keep?.Invoke(v) ?? true))
            {
                var band = plot.Add.FillY(curve.Epochs, curve.Lower.Select(transform).ToArray(), curve.Upper.Select(transform).ToArray());
                band.FillColor = color.WithAlpha(0.18);
                band.LineWidth = 0;
            }
            var line = plot.Add.Scatter(curve.Epochs, curve.Mean.Select(transform).ToArray());
            line.Color = color;
            line.LineWidth = 2;
            line.MarkerSize = curve.Epochs.Length <= 30 ? 5 : 0;
            line.LegendText = loss.DisplayName;
        }
        // An outside legend with no items leaves ScottPlot 5.1.59 drawing a blank image.
        if (!any) plot.Add.Annotation("no finished runs with this metric yet", Alignment.MiddleCenter);
        else plot.ShowLegend(Edge.Right);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
    }

    static Plot ValidationCurve(ExperimentAnalysis a)
    {
        var r = a.Results;
        // Without a validation split (validationFraction 0) the curve shows the test split: it is read, nothing is chosen on it.
        var rows = r.Runs.SelectMany(x => x.Epochs).ToList();
        var hasValidation = rows.Count == 0 || rows.Any(row => (r.Classification ? row.ValidationAccuracy : row.ValidationRmse) != null);
        var split = hasValidation ? "Validation" : "Test";
        var metric = r.Classification ? "accuracy" : "RMSE";
        var plot = NewPlot($"{r.Name}: {split.ToLowerInvariant()} {metric} per epoch (mean, {Percent(a.Level)} CI band over {Seeds(a)})",
            "epoch", $"{split} {metric}");
        Func<Metrics.EpochMetrics, double?> value = r.Classification
            ? row => hasValidation ? row.ValidationAccuracy : row.TestAccuracy
            : row => hasValidation ? row.ValidationRmse : row.TestRmse;
        CurvePlot(plot, a, value, v => v, null);
        if (r.ConvergenceTarget is { } target)
        {
            var h = plot.Add.HorizontalLine(target);
            h.Color = Colors.Gray;
            // Not dashed: Skia's SVG canvas has no dash effect and prints "Unsupported path effect" to stdout for each one.
            h.LinePattern = LinePattern.Solid;
            h.LineWidth = 1;
            h.LegendText = $"target {target.ToString("G4", CultureInfo.InvariantCulture)}";
        }
        return plot;
    }

    static Plot TrainingLoss(ExperimentAnalysis a)
    {
        var r = a.Results;
        var plot = NewPlot($"{r.Name}: training loss per epoch (mean, {Percent(a.Level)} CI band over {Seeds(a)}; log scale)",
            "epoch", "training loss (each run's own loss)");
        // ScottPlot 5 has no log axis: plot log10 of the values, put minor ticks where a log axis has them, and label
        // the major ticks with the values themselves. Losses can be zero or negative (e.g. Gaussian NLL): those points are left out.
        // LogMinorTickGenerator with integer major ticks (the cookbook recipe) leaves an axis that spans less than a decade
        // without a single label, so the ticks are laid out here from the data range instead.
        CurvePlot(plot, a, row => row.TrainLoss, Math.Log10, v => v > 0);
        var logs = r.Runs.Where(x => x.Complete).SelectMany(x => x.Epochs).Select(row => row.TrainLoss)
            .OfType<double>().Where(v => v > 0 && double.IsFinite(v)).Select(Math.Log10).ToList();
        if (logs.Count > 0)
        {
            var ticks = new ScottPlot.TickGenerators.NumericManual();
            foreach (var (position, label) in LogTicks(logs.Min(), logs.Max()))
                if (label == null) ticks.AddMinor(position);
                else ticks.AddMajor(position, label);
            plot.Axes.Left.TickGenerator = ticks;
        }
        plot.Grid.YAxisStyle.MajorLineStyle.Color = Colors.Black.WithOpacity(0.18);
        plot.Grid.YAxisStyle.MinorLineStyle.Color = Colors.Black.WithOpacity(0.06);
        plot.Grid.YAxisStyle.MinorLineStyle.Width = 1;
        return plot;
    }

    /// <summary>
    /// Ticks for a log10 axis over [<paramref name="minLog"/>, <paramref name="maxLog"/>]: a tick at every m·10^k (m = 1..9),
    /// labelled at the powers of ten, also at 2 and 5 when the data spans under 2.5 decades, and at every m under one
    /// decade. Positions are log10 values; a null label is a minor tick.
    /// </summary>
    internal static IReadOnlyList<(double Position, string? Label)> LogTicks(double minLog, double maxLog)
    {
        var span = maxLog - minLog;
        int[] labelled = span >= 2.5 ? [1] : span >= 1 ? [1, 2, 5] : [1, 2, 3, 4, 5, 6, 7, 8, 9];
        var ticks = new List<(double, string?)>();
        for (var k = (int)Math.Floor(minLog) - 1; k <= (int)Math.Ceiling(maxLog); k++)
            for (int m = 1; m <= 9; m++)
            {
                var position = Math.Log10(m) + k;
                ticks.Add((position, labelled.Contains(m) ? FormatTick(m, k) : null));
            }
        return ticks;
    }

    /// <summary>m·10^k as a short label: 1000, 2, 0.05, 1e-05.</summary>
    internal static string FormatTick(int m, int k)
    {
        var v = m * Math.Pow(10, k);
        return k is >= -4 and <= 4 ? Math.Round(v, 4 - Math.Min(k, 0) + 4).ToString("0.########", CultureInfo.InvariantCulture)
            : $"{m}e{k}";
    }

    /// <summary>
    /// The runs' reliability bins (summary.json calibration.reliability) pooled by bin: counts added, confidence and
    /// accuracy count-weighted; null when no run has them.
    /// </summary>
    internal static IReadOnlyList<ReliabilityBin>? PooledReliability(IEnumerable<RunRecord> runs)
    {
        var perRun = runs.Select(x => x.Summary?.Calibration?["reliability"] as System.Text.Json.Nodes.JsonArray)
            .OfType<System.Text.Json.Nodes.JsonArray>().ToList();
        if (perRun.Count == 0) return null;
        static double D(System.Text.Json.Nodes.JsonNode? n) => n is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<double>(out var d) ? d : double.NaN;
        var bins = new List<ReliabilityBin>();
        for (int i = 0; i < perRun[0].Count; i++)
        {
            var cells = perRun.Where(a => i < a.Count).Select(a => a[i]!).ToList();
            int count = cells.Sum(c => (int)D(c["count"]));
            double Weighted(string key) => count == 0 ? double.NaN : cells.Where(c => D(c["count"]) > 0).Sum(c => D(c[key]) * D(c["count"])) / count;
            bins.Add(new ReliabilityBin(D(cells[0]["lower"]), D(cells[0]["upper"]), count, Weighted("meanConfidence"), Weighted("accuracy")));
        }
        return bins;
    }

    static Plot Sensitivity(ExperimentAnalysis a)
    {
        var r = a.Results;
        var selection = r.TuningRuns.Select(x => x.Summary?.Selection).FirstOrDefault(x => x != null) ?? "validation score";
        var plot = NewPlot($"{r.Name}: {selection} against learning rate ({Percent(a.Level)} CI, {r.TuningSeeds.Count} tuning seeds)",
            "learning rate (log scale)", $"{selection} at the selected epoch");
        // No log axis in ScottPlot 5: positions are log10 of the rates, labelled with the rates themselves.
        plot.Axes.Bottom.SetTicks(
            r.TuningRates.Select(Math.Log10).ToArray(), r.TuningRates.Select(x => x.ToString("G3", CultureInfo.InvariantCulture)).ToArray());
        var any = false;
        foreach (var loss in r.Losses)
        {
            if (!a.Tuning.TryGetValue(loss, out var choice)) continue;
            var points = choice.Candidates.Select(c => (X: Math.Log10(c.LearningRate), S: SampleSummary.Of(c.Scores)))
                .Where(p => p.S.Count > 0).OrderBy(p => p.X).ToList();
            if (points.Count == 0) continue;
            any = true;
            var color = ColorOf(a, loss);
            var xs = points.Select(p => p.X).ToArray();
            if (points.Count > 1 && points.All(p => p.S.HasInterval))
            {
                var band = plot.Add.FillY(xs, points.Select(p => p.S.Lower).ToArray(), points.Select(p => p.S.Upper).ToArray());
                band.FillColor = color.WithAlpha(0.15);
                band.LineWidth = 0;
            }
            var line = plot.Add.Scatter(xs, points.Select(p => p.S.Mean).ToArray());
            line.Color = color;
            line.LineWidth = 2;
            line.MarkerSize = 6;
            line.LegendText = $"{loss.DisplayName} (chosen {choice.Chosen.ToString("G3", CultureInfo.InvariantCulture)})";
        }
        if (!any) plot.Add.Annotation("no finished tuning runs yet", Alignment.MiddleCenter);
        else plot.ShowLegend(Edge.Right);
        return plot;
    }

    static Plot Scores(ExperimentAnalysis a)
    {
        var r = a.Results;
        var score = a.ScoreName;
        var better = r.RankBy.HigherIsBetter ? "higher is better" : "lower is better";
        var plot = NewPlot($"{r.Name}: {score} per loss ({Percent(a.Level)} CI over {Seeds(a)})", $"{score} ({better})", "");
        // A forest plot: one row per loss, best at the top, so long loss names never overlap.
        var rows = a.Ranked.ToList();
        var positions = new List<double>();
        var labels = new List<string>();
        for (int i = 0; i < rows.Count; i++)
        {
            var s = rows[i];
            double y = rows.Count - 1 - i;
            positions.Add(y);
            labels.Add(s.Loss.DisplayName);
            var color = ColorOf(a, s.Loss);
            var seeds = s.Scores.Values.Where(double.IsFinite).ToArray();
            if (seeds.Length > 0)
            {
                var points = plot.Add.ScatterPoints(seeds, seeds.Select(_ => y - 0.18).ToArray());
                points.Color = color.WithAlpha(0.55);
                points.MarkerSize = 6;
                points.MarkerShape = MarkerShape.OpenCircle;
            }
            var m = s.Metrics[a.ScoreKey];
            if (m.Count == 0) continue;
            if (m.HasInterval)
            {
                var bar = new ScottPlot.Plottables.ErrorBar(xs: [m.Mean], ys: [y], xErrorsPositive: [m.HalfWidth], xErrorsNegative: [m.HalfWidth],
                    yErrorsPositive: null, yErrorsNegative: null);
                plot.Add.Plottable(bar);
                bar.Color = color;
                bar.LineWidth = 2;
                bar.CapSize = 10;
            }
            var mean = plot.Add.ScatterPoints(new[] { m.Mean }, new[] { y });
            mean.Color = color;
            mean.MarkerSize = 11;
            mean.MarkerShape = MarkerShape.FilledDiamond;
        }
        if (r.Baseline != null && a.Losses.FirstOrDefault(s => s.Loss == r.Baseline) is { } b && b.Metrics[a.ScoreKey].Count > 0)
        {
            var line = plot.Add.VerticalLine(b.Metrics[a.ScoreKey].Mean);
            line.Color = Colors.Gray;
            line.LinePattern = LinePattern.Solid;
            line.LineWidth = 1;
            line.LegendText = $"baseline mean ({r.Baseline.DisplayName})";
        }
        plot.Axes.Left.SetTicks(positions.ToArray(), labels.ToArray());
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.Margins(horizontal: 0.08, vertical: 0.12);
        // Every loss keeps its row, also one without a finished run.
        plot.Axes.SetLimitsY(-0.6, rows.Count - 0.4);
        if (rows.All(s => s.Metrics[a.ScoreKey].Count == 0))
        {
            plot.Axes.SetLimitsX(0, 1);
            plot.Add.Annotation("no finished runs yet", Alignment.MiddleCenter);
        }
        plot.Grid.YAxisStyle.IsVisible = false;
        var legendMean = new LegendItem
        {
            LabelText = "mean (with CI)", MarkerShape = MarkerShape.FilledDiamond, MarkerColor = Colors.Black, MarkerSize = 10, LineWidth = 0,
        };
        var legendSeed = new LegendItem
        {
            LabelText = "one seed", MarkerShape = MarkerShape.OpenCircle, MarkerColor = Colors.Black, MarkerSize = 7, LineWidth = 0,
        };
        var legendInterval = new LegendItem
        {
            LabelText = $"{Percent(a.Level)} CI of the mean", LineColor = Colors.Black, LineWidth = 2, MarkerShape = MarkerShape.None,
        };
        plot.Legend.ManualItems.AddRange([legendMean, legendInterval, legendSeed]);
        plot.ShowLegend(Edge.Right);
        return plot;
    }
}
