using Harness.Results;

namespace Harness.Tests.Sinks;

/// <summary>
/// metrics.csv text without its timing columns (<see cref="MetricsFile.TimingColumns"/>), the only ones in which two
/// otherwise identical runs may differ. Columns are found by header name, so new timing columns need no test edits.
/// </summary>
internal static class UntimedMetricsCsv
{
    public static string Of(string csv)
    {
        var lines = csv.Split('\n');
        var header = lines[0].TrimEnd('\r').Split(',');
        var keep = Enumerable.Range(0, header.Length).Where(i => !MetricsFile.TimingColumns.Contains(header[i])).ToArray();
        if (header.Length - keep.Length != MetricsFile.TimingColumns.Length)
            throw new InvalidOperationException($"not every timing column is in the header '{lines[0]}'");
        return string.Join("\n", lines.Select(line =>
        {
            if (line.Length == 0) return line;
            var cells = line.TrimEnd('\r').Split(',');
            if (cells.Length != header.Length) throw new InvalidOperationException($"a row has {cells.Length} fields, the header {header.Length}: '{line}'");
            return string.Join(",", keep.Select(i => cells[i]));
        }));
    }
}
