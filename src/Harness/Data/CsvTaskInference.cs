using System.Globalization;

namespace Harness.Data;

/// <summary>
/// Decides whether a CSV's target column holds class labels or real values when the config leaves
/// <c>dataset.csv.task</c> empty: text, or whole numbers with at most <see cref="MaxClasses"/> distinct values, are
/// classes; any other numbers are a regression target. The answer is written into the resolved config, so a rerun
/// from config.resolved.json does not infer again.
/// </summary>
public static class CsvTaskInference
{
    /// <summary>More distinct whole numbers than this read as a count or a measurement, not as classes.</summary>
    public const int MaxClasses = 20;

    /// <summary>
    /// The task of the CSV of <paramref name="config"/> (relative paths from <paramref name="baseDirectory"/>) and why;
    /// null when the file cannot be read here (loading it later reports that in full).
    /// </summary>
    public static (string Task, string Reason)? Infer(CsvDatasetConfig config, string baseDirectory)
    {
        CsvTableReader.CsvTable csv;
        try
        {
            csv = CsvTableReader.ReadFile(Path.GetFullPath(Path.Combine(baseDirectory, config.Path)), config.TargetColumn, config.Header, config.Separator,
                config.Features, config.IgnoreColumns);
        }
        catch (Exception e) when (e is DataException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
        return Infer(csv.TargetTexts, csv.Columns[csv.TargetIndex]);
    }

    /// <summary>The task that target texts imply, and why, in words for the user.</summary>
    public static (string Task, string Reason) Infer(IReadOnlyList<string> targets, string column)
    {
        var numbers = new List<double>(targets.Count);
        foreach (var text in targets)
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                return ("classification", $"target column \"{column}\" holds text (\"{text}\"), so its values are class labels");
            numbers.Add(v);
        }
        var distinct = numbers.Distinct().Count();
        bool whole = numbers.All(v => v == Math.Floor(v));
        return whole && distinct <= MaxClasses
            ? ("classification", $"target column \"{column}\" holds {distinct} distinct whole numbers (at most {MaxClasses}: class labels)")
            : ("regression", whole
                ? $"target column \"{column}\" holds {distinct} distinct whole numbers (more than {MaxClasses}: a real-valued target)"
                : $"target column \"{column}\" holds numbers with fractions ({distinct} distinct values)");
    }
}
