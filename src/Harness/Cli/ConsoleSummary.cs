using System.Globalization;
using Harness.Reporting;

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
        string[] header =
            ["rank", "loss", "lr", "runs", "mean ± sd", $"{a.Level.ToString("P0", Inv).Replace(" ", "")} CI", "adj. p vs best", "tied with best", "diverged"];
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
        // Plain aligned columns, on a terminal too: a bordered table fitted to 80 columns wraps loss names and numbers
        // mid-word, while plain lines stay whole (a wide one wraps as a whole line).
        Console.WriteLine(title + ":");
        PlainColumns.Write(Console.Out, header, rows);
        if (a.Missing.Count > 0) Console.WriteLine($"{a.Missing.Count} (loss, seed) cell(s) have no finished run; see report.md.");
        Console.WriteLine("Verdict: " + a.Verdict);
    }
}
