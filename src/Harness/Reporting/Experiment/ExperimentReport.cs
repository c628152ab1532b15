using Harness.Output;

namespace Harness.Reporting;

/// <summary>The files an experiment report wrote.</summary>
/// <param name="Markdown">report.md.</param>
/// <param name="Json">report.json.</param>
/// <param name="Plots">The plots (paths relative to the folder).</param>
/// <param name="Analysis">The numbers in them.</param>
public sealed record ExperimentReportFiles(string Markdown, string Json, IReadOnlyList<ReportPlot> Plots, ExperimentAnalysis Analysis);

/// <summary>
/// <c>harness report</c>: reads an experiment's results folder (only its files: config.resolved.json, experiment.json,
/// runs/*/metrics.csv and runs/*/summary.json) and writes report.md, report.json and plots/*.png|svg into it.
/// </summary>
public static class ExperimentReport
{
    /// <summary>
    /// Reads <paramref name="folder"/> and writes the report into it, every file atomically. Throws
    /// <see cref="Results.ResultsFolderException"/> when the folder is not a results folder or a file in it is malformed.
    /// </summary>
    public static ExperimentReportFiles Write(string folder)
    {
        var results = ExperimentResults.Read(folder);
        var analysis = ExperimentAnalysis.Of(results);
        var plots = ExperimentPlots.Write(analysis, folder);
        var layout = new Results.ResultsLayout(folder);
        var json = layout.ReportJson;
        var md = layout.ReportMarkdown;
        AtomicFile.WriteAllText(json, ExperimentReportJson.Write(analysis, plots));
        AtomicFile.WriteAllText(md, ExperimentReportMarkdown.Write(analysis, plots));
        return new ExperimentReportFiles(md, json, plots, analysis);
    }

    /// <summary>Library versions the report itself used, for the record.</summary>
    internal static IReadOnlyList<(string Name, string Version)> ReportLibraries() =>
    [
        ("MathNet.Numerics", typeof(MathNet.Numerics.Distributions.StudentT).Assembly.GetName().Version?.ToString() ?? "?"),
        ("ScottPlot", typeof(ScottPlot.Plot).Assembly.GetName().Version?.ToString() ?? "?"),
    ];
}
