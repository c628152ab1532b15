using System.CommandLine;
using System.Globalization;
using Harness.Reporting;
using Spectre.Console;

namespace Harness.Cli;

/// <summary>
/// <c>harness report results/&lt;name&gt;</c>: summarizes an experiment's results folder (per-loss statistics over seeds,
/// comparison with the baseline, plots) into report.md, report.json and plots/ in that folder.
/// </summary>
public static class ReportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var folder = new Argument<string>("folder") { Description = "An experiment's results folder, e.g. results/quickstart." };
        var command = new Command("report", "Write report.md, report.json and plots for an experiment's results folder (reads only that folder).") { folder };
        command.SetAction(parse => CommandRunner.Run(() => Execute(parse.GetValue(folder)!)));
        return command;
    }

    /// <summary>Writes the report; returns the exit code.</summary>
    public static int Execute(string folder)
    {
        var files = ExperimentReport.Write(folder);
        var a = files.Analysis;
        var table = new Table().Border(TableBorder.Rounded).AddColumns("rank", "loss", "runs", $"final {a.ScoreName} (mean ± sd)", "95% CI", "p vs baseline");
        foreach (var s in a.Ranked)
        {
            var m = s.Metrics[a.ScoreKey];
            table.AddRow(new[]
            {
                s.Rank?.ToString(CultureInfo.InvariantCulture) ?? "-",
                s.Loss.DisplayName,
                $"{s.Runs}/{s.Seeds}",
                m.Count == 0 ? "-" : m.Count == 1 ? m.Mean.ToString("0.0000", CultureInfo.InvariantCulture)
                    : $"{m.Mean.ToString("0.0000", CultureInfo.InvariantCulture)} ± {m.StandardDeviation.ToString("0.0000", CultureInfo.InvariantCulture)}",
                m.HasInterval ? $"[{m.Lower.ToString("0.0000", CultureInfo.InvariantCulture)}, {m.Upper.ToString("0.0000", CultureInfo.InvariantCulture)}]" : "n/a",
                s.Loss == a.Results.Baseline ? "baseline" : s.VersusBaseline?.PValue is { } p ? ExperimentReportMarkdown.P(p) : "n/a",
            }.Select(Markup.Escape).ToArray());
        }
        AnsiConsole.Write(table);
        if (a.Missing.Count > 0) Console.WriteLine($"{a.Missing.Count} (loss, seed) cell(s) have no finished run; see report.md.");
        Console.WriteLine($"Report: {files.Markdown}");
        return ExitCodes.Success;
    }
}
