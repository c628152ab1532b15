using Harness.Validation.TrainingParity;
using ScottPlot;

namespace Harness.Reporting;

/// <summary>
/// The training-parity plots, PNG and SVG (ScottPlot 5, as <see cref="ExperimentPlots"/>): the parameter drift of every
/// pair that is not bit-identical against its envelope, and every pair's drift as a fraction of its envelope.
/// </summary>
public static class TrainingParityPlots
{
    const int Width = 1100, Height = 620;

    /// <summary>Writes both plots under <c>&lt;folder&gt;/plots</c>; returns them (paths relative to the folder).</summary>
    public static IReadOnlyList<ReportPlot> Write(ParityRun run, string folder) =>
    [
        Save(Drift(run), folder, "training-parity-drift", "Parameter drift per step against the rounding envelope"),
        Save(Ratio(run), folder, "training-parity-envelope-ratio", "Parameter drift as a fraction of the envelope"),
    ];

    static ReportPlot Save(Plot plot, string folder, string name, string title) => ExperimentPlots.Save(plot, folder, name, title, Width, Height);

    static Plot NewPlot(string title, string y) => ExperimentPlots.NewPlot(title, "step", y);

    /// <summary>
    /// log10 of positive values as a scatter series (ScottPlot 5 has no log axis); zeros (bit-identical steps) are left out.
    /// </summary>
    static void AddLog(Plot plot, double[] values, Color color, string? legend, bool dashed)
    {
        var points = values.Select((v, k) => (X: (double)k, Y: v)).Where(p => p.Y > 0 && double.IsFinite(p.Y)).ToArray();
        if (points.Length == 0) return;
        var line = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => Math.Log10(p.Y)).ToArray());
        line.Color = color;
        line.LineWidth = dashed ? 1 : 2;
        line.MarkerSize = 0;
        if (dashed) line.LinePattern = LinePattern.Dashed;
        if (legend != null) line.LegendText = legend;
    }

    static void LogAxis(Plot plot)
    {
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = v => Math.Abs(v - Math.Round(v)) < 1e-9 ? $"1e{Math.Round(v):0}" : "",
            IntegerTicksOnly = true,
        };
    }

    static Plot Drift(ParityRun run)
    {
        var plot = NewPlot($"Parameter drift from the twin (solid) and envelope, {ParityEnvelope.Factor:0}x yardstick (dashed)",
            "relative parameter difference (log10)");
        var palette = new ScottPlot.Palettes.Category20();
        var shown = run.Results.Where(r => r.Verdict != ParityVerdict.BitIdentical).ToList();
        for (int i = 0; i < shown.Count; i++)
        {
            var color = palette.GetColor(i);
            AddLog(plot, shown[i].ParameterDrift, color, $"{shown[i].Name} ({shown[i].Verdict.Name()})", dashed: false);
            AddLog(plot, ParityEnvelope.Of(shown[i].YardstickParameterDrift), color, null, dashed: true);
        }
        Finish(plot, run, shown.Count);
        return plot;
    }

    static Plot Ratio(ParityRun run)
    {
        var plot = NewPlot("Parameter drift / envelope per step (above 1: divergent)", "drift / envelope (log10)");
        var palette = new ScottPlot.Palettes.Category20();
        var shown = run.Results.Where(r => r.Verdict != ParityVerdict.BitIdentical).ToList();
        for (int i = 0; i < shown.Count; i++)
        {
            var envelope = ParityEnvelope.Of(shown[i].YardstickParameterDrift);
            var ratio = shown[i].ParameterDrift.Select((d, k) => envelope[k] > 0 ? d / envelope[k] : double.NaN).ToArray();
            AddLog(plot, ratio, palette.GetColor(i), $"{shown[i].Name} ({shown[i].Verdict.Name()})", dashed: false);
        }
        if (shown.Count > 0)
        {
            var one = plot.Add.HorizontalLine(0);
            one.Color = Colors.Gray;
            one.LinePattern = LinePattern.Dashed;
            one.LegendText = "envelope";
        }
        Finish(plot, run, shown.Count);
        return plot;
    }

    static void Finish(Plot plot, ParityRun run, int shown)
    {
        var identical = run.Results.Where(r => r.Verdict == ParityVerdict.BitIdentical).Select(r => r.Name).ToList();
        // An outside legend with no items leaves ScottPlot 5.1.59 drawing a blank image.
        if (shown == 0) plot.Add.Annotation("every pair bit-identical: no drift to plot", Alignment.MiddleCenter);
        else
        {
            LogAxis(plot);
            plot.ShowLegend(Edge.Right);
        }
        if (identical.Count > 0 && shown > 0)
            plot.Add.Annotation($"{identical.Count} bit-identical pairs (drift 0 at every step) not drawn", Alignment.LowerLeft);
    }
}
