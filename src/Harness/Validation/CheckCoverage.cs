namespace Harness.Validation;

/// <summary>
/// Where one check applied to one loss: on how many case runs (a case in one dtype) it ran, and for the others why
/// not, each reason with the number of runs it accounts for.
/// </summary>
/// <param name="Kind">The check.</param>
/// <param name="Applied">Case runs the check ran on.</param>
/// <param name="Skipped">Why it did not run on the others: reason and number of case runs, most frequent first.</param>
/// <param name="Notes">What is worth knowing about the runs it did apply to, with their number of runs.</param>
public sealed record CheckCoverage(
    ValidationCheckKind Kind,
    int Applied,
    IReadOnlyList<(string Reason, int Runs)> Skipped,
    IReadOnlyList<(string Note, int Runs)> Notes)
{
    /// <summary>Case runs the check was considered for.</summary>
    public int Considered => Applied + Skipped.Sum(s => s.Runs);
}
