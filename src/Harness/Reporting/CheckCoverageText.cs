using Harness.Validation;

namespace Harness.Reporting;

/// <summary>
/// Which checks applied to a loss, and why the others did not, as text: one table cell per check, and one line of
/// reasons per loss. The validation report and the console summary of <c>harness validate</c> both show it.
/// </summary>
public static class CheckCoverageText
{
    /// <summary>"12/12" where the check ran on every case run it was considered for, "9/12" where on some, "-" on none.</summary>
    public static string Cell(CheckCoverage coverage) =>
        coverage.Applied == 0 ? "-" : $"{coverage.Applied}/{coverage.Considered}";

    /// <summary>
    /// Why checks did not apply to a loss, and what is worth knowing where they did, one clause per check
    /// ("finite differences: not smooth within the step here (a kink or clamp) (2 of 24 runs)"); empty when every check
    /// ran on every run and there is nothing to note.
    /// </summary>
    public static IReadOnlyList<string> Reasons(LossValidationResult result)
    {
        var clauses = new List<string>();
        foreach (var c in result.Coverage)
        {
            var parts = c.Skipped.Select(s => c.Applied == 0 && c.Skipped.Count == 1
                    ? $"not run: {s.Reason}"
                    : $"skipped on {s.Runs} of {c.Considered} runs: {s.Reason}")
                .Concat(c.Notes.Select(n => $"{n.Note} on {n.Runs} of {c.Applied} runs"))
                .ToList();
            if (parts.Count > 0) clauses.Add($"{c.Kind.Title()}: {string.Join("; ", parts)}");
        }
        return clauses;
    }
}
