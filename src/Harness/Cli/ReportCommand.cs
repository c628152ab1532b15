using System.CommandLine;
using Harness.Experiments;
using Harness.Reporting;

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
        if (string.IsNullOrWhiteSpace(folder)) throw new UsageException("the results folder is empty: pass one, e.g. harness report results/quickstart.");
        if (File.Exists(folder)) throw new UsageException($"'{folder}' is a file; pass an experiment's results folder, e.g. results/quickstart.");
        // No run may write the folder while its report is written (a missing folder is ExperimentReport's to explain,
        // unless a killed --force had moved it aside: then it comes back first).
        using var locks = Directory.Exists(folder) || Directory.Exists(ResultsFolderLocks.LockFolder(folder))
            ? ResultsFolderLocks.Exclusive(folder, "harness " + string.Join(" ", Environment.GetCommandLineArgs().Skip(1)))
            : null;
        if (locks != null)
            foreach (var notice in ReplacedResults.SettleAbandoned(folder)) Console.Error.WriteLine("notice: " + notice);
        var files = ExperimentReport.Write(folder);
        ConsoleSummary.Print(files.Analysis);
        Console.WriteLine($"Report: {files.Markdown}");
        return ExitCodes.Success;
    }
}
