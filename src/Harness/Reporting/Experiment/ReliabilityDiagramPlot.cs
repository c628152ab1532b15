using System.Globalization;
using Harness.Metrics.Calibration;
using ScottPlot;

namespace Harness.Reporting;

/// <summary>
/// A reliability diagram (Guo et al. 2017): per top-label confidence bin, the accuracy as a bar and the mean confidence
/// as a point, against the diagonal of perfect calibration; each bar is labelled with its sample count.
/// </summary>
public static class ReliabilityDiagramPlot
{
    /// <summary>Draws <paramref name="bins"/> (e.g. <see cref="CalibrationMetrics.Reliability"/>); empty bins get no bar.</summary>
    public static Plot Draw(string title, IReadOnlyList<ReliabilityBin> bins)
    {
        var plot = ExperimentPlots.NewPlot(title, "confidence", "accuracy");
        var accuracyColor = new ScottPlot.Palettes.Category10().GetColor(0);
        var bars = new List<Bar>();
        var centers = new List<double>();
        var confidences = new List<double>();
        foreach (var bin in bins.Where(b => b.Count > 0))
        {
            var center = (bin.Lower + bin.Upper) / 2;
            bars.Add(new Bar
            {
                Position = center,
                Value = bin.Accuracy,
                Size = (bin.Upper - bin.Lower) * 0.92,
                FillColor = accuracyColor.WithAlpha(0.75),
                LineWidth = 0,
                Label = "n=" + bin.Count.ToString(CultureInfo.InvariantCulture),
            });
            centers.Add(center);
            confidences.Add(bin.MeanConfidence);
        }
        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.Color = Colors.Gray;
        // Solid: Skia's SVG canvas cannot draw dashes and prints a complaint to stdout for each dashed line.
        diagonal.LinePattern = LinePattern.Solid;
        diagonal.LineWidth = 1;
        diagonal.LegendText = "perfect calibration";
        if (bars.Count > 0)
        {
            var barPlot = plot.Add.Bars(bars);
            barPlot.LegendText = "accuracy (n = samples in bin)";
            barPlot.ValueLabelStyle.FontSize = 10;
            var points = plot.Add.ScatterPoints(centers.ToArray(), confidences.ToArray());
            points.Color = new ScottPlot.Palettes.Category10().GetColor(1);
            points.MarkerShape = MarkerShape.FilledDiamond;
            points.MarkerSize = 8;
            points.LegendText = "mean confidence";
        }
        else plot.Add.Annotation("no samples", Alignment.MiddleCenter);
        plot.ShowLegend(Alignment.UpperLeft);
        // The count labels sit above bars that can reach 1, so the top gets a little room beyond the unit square.
        plot.Axes.SetLimits(0, 1, 0, 1.08);
        var ticks = Enumerable.Range(0, 11).Select(i => i / 10.0).ToArray();
        var labels = ticks.Select(t => t.ToString("0.#", CultureInfo.InvariantCulture)).ToArray();
        plot.Axes.Bottom.SetTicks(ticks, labels);
        plot.Axes.Left.SetTicks(ticks, labels);
        return plot;
    }
}
