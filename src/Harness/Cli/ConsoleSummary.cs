using System.Globalization;
using Harness.Reporting;
using Spectre.Console;

namespace Harness.Cli;

/// <summary>
/// The verdict and ranking table that `harness run` and `harness report` print: computed by the same analysis as
/// report.md and in its order, so the console and the report never disagree.
/// </summary>
public static class ConsoleSummary
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Prints the table, then the verdict.</summary>
    public static void Print(ExperimentAnalysis a)
    {
        var d = ExperimentReportMarkdown.Decimals(a, a.ScoreKey);
        string F(double v) => double.IsFinite(v) ? v.ToString("F" + d, Inv) : "-";
        string[] header = ["rank", "loss", "lr", "runs", "mean ± sd", $"{a.Level.ToString("P0", Inv).Replace(" ", "")} CI", "adj. p vs best", "tied with best", "diverged"];
        var rows = a.Ranked.Select(s =>
        {
            var m = s.Metrics[a.ScoreKey];
            var v = s.VersusBest;
            return new[]
            {
                s.Rank?.ToString(Inv) ?? "-",
                s.Loss.DisplayName,
                s.LearningRate is { } lr ? lr.ToString("G4", Inv) : "?",
                $"{s.Runs}/{s.Seeds}",
                m.Count == 0 ? "-" : m.Count == 1 ? F(m.Mean) : $"{F(m.Mean)} ± {F(m.StandardDeviation)}",
                m.HasInterval ? $"[{F(m.Lower)}, {F(m.Upper)}]" : "n/a",
                v == null || v.IsReference ? "best" : v.AdjustedPValue is { } p ? ExperimentReportMarkdown.P(p) : "n/a",
                v == null || !v.HasScores ? "-" : v.TiedWithReference ? "yes" : "no",
                s.Diverged.ToString(Inv),
            };
        }).ToList();
        var title = $"{a.ScoreName} ({(a.Results.RankBy.HigherIsBetter ? "higher" : "lower")} is better)";
        if (Console.IsOutputRedirected)
        {
            // Piped output gets plain columns: a table drawn for 80 columns would wrap loss names mid-word.
            Console.WriteLine(title + ":");
            var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
            Console.WriteLine("  " + string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
            foreach (var r in rows) Console.WriteLine("  " + string.Join("  ", r.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        }
        else
        {
            var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title)).AddColumns(header.Select(Markup.Escape).ToArray());
            foreach (var r in rows) table.AddRow(r.Select(Markup.Escape).ToArray());
            AnsiConsole.Write(table);
        }
        if (a.Missing.Count > 0) Console.WriteLine($"{a.Missing.Count} (loss, seed) cell(s) have no finished run; see report.md.");
        Console.WriteLine("Verdict: " + a.Verdict);
    }
}
