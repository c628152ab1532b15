namespace Harness.Validation;

/// <summary>
/// Collects, while a loss is validated, which checks ran on which case runs and why the others were skipped. A check
/// may be considered several times on one run (once per reduction): it counts as applied there if it ran once, and
/// a skip reason counts only for runs where the check never ran.
/// </summary>
public sealed class CoverageTally
{
    readonly Dictionary<ValidationCheckKind, HashSet<(int Case, string DType)>> applied = [];
    readonly Dictionary<ValidationCheckKind, Dictionary<string, HashSet<(int Case, string DType)>>> skipped = [];
    readonly Dictionary<ValidationCheckKind, Dictionary<string, HashSet<(int Case, string DType)>>> notes = [];

    /// <summary>The check ran on case <paramref name="caseIndex"/> in <paramref name="dtype"/>.</summary>
    public void Applied(ValidationCheckKind kind, int caseIndex, string dtype) =>
        Runs(applied, kind).Add((caseIndex, dtype));

    /// <summary>The check did not run on this case run, for <paramref name="reason"/>.</summary>
    public void Skipped(ValidationCheckKind kind, int caseIndex, string dtype, string reason) =>
        Runs(Reasons(skipped, kind), reason).Add((caseIndex, dtype));

    /// <summary>Something worth reporting about a run the check applied to (a zero Hessian, say).</summary>
    public void Note(ValidationCheckKind kind, int caseIndex, string dtype, string note) =>
        Runs(Reasons(notes, kind), note).Add((caseIndex, dtype));

    /// <summary>The coverage of every check, in <see cref="ValidationCheckKinds.All"/> order.</summary>
    public IReadOnlyList<CheckCoverage> Summary() => ValidationCheckKinds.All.Select(kind =>
    {
        var ran = applied.GetValueOrDefault(kind) ?? [];
        var reasons = (skipped.GetValueOrDefault(kind) ?? [])
            .Select(r => (Reason: r.Key, Runs: r.Value.Count(run => !ran.Contains(run))))
            .Where(r => r.Runs > 0);
        // A run skipped for two reasons (two reductions, say) is counted once, under its first reason.
        var counted = new HashSet<(int, string)>(ran);
        var distinct = new List<(string Reason, int Runs)>();
        foreach (var (reason, _) in reasons.OrderByDescending(r => r.Runs).ThenBy(r => r.Reason, StringComparer.Ordinal))
        {
            var fresh = skipped[kind][reason].Count(counted.Add);
            if (fresh > 0) distinct.Add((reason, fresh));
        }
        var noted = (notes.GetValueOrDefault(kind) ?? [])
            .Select(n => (Note: n.Key, Runs: n.Value.Count)).OrderByDescending(n => n.Runs).ThenBy(n => n.Note, StringComparer.Ordinal).ToList();
        return new CheckCoverage(kind, ran.Count, distinct, noted);
    }).ToList();

    static Dictionary<string, HashSet<(int, string)>> Reasons(
        Dictionary<ValidationCheckKind, Dictionary<string, HashSet<(int, string)>>> map, ValidationCheckKind kind)
    {
        if (!map.TryGetValue(kind, out var reasons)) map[kind] = reasons = [];
        return reasons;
    }

    static HashSet<(int, string)> Runs<TKey>(Dictionary<TKey, HashSet<(int, string)>> map, TKey key) where TKey : notnull
    {
        if (!map.TryGetValue(key, out var runs)) map[key] = runs = [];
        return runs;
    }
}
