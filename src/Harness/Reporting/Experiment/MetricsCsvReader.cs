using System.Globalization;
using Harness.Cli;

namespace Harness.Reporting;

/// <summary>One row of a run's <c>metrics.csv</c>: numeric columns by name (null where the cell is empty).</summary>
public sealed class MetricsRow(int epoch, IReadOnlyDictionary<string, double?> values)
{
    /// <summary>1-based epoch.</summary>
    public int Epoch { get; } = epoch;

    /// <summary>The value of a numeric column, or null when the cell is empty or the column absent.</summary>
    public double? this[string column] => values.TryGetValue(column, out var v) ? v : null;

    /// <summary>Mean training loss.</summary>
    public double? TrainLoss => this["train_loss"];
    /// <summary>Validation accuracy (classification).</summary>
    public double? ValidationAccuracy => this["validation_accuracy"];
    /// <summary>Test accuracy (classification).</summary>
    public double? TestAccuracy => this["test_accuracy"];
    /// <summary>Validation RMSE (regression).</summary>
    public double? ValidationRmse => this["validation_rmse"];
    /// <summary>Test RMSE (regression).</summary>
    public double? TestRmse => this["test_rmse"];
    /// <summary>Test MAE (regression).</summary>
    public double? TestMae => this["test_mae"];
}

/// <summary>
/// Reads <c>runs/&lt;id&gt;/metrics.csv</c> as <see cref="Harness.Sinks.MetricsCsvSink"/> writes it: a header, then one
/// row of numbers per epoch. Columns are found by header name, so added or reordered columns do not break old folders.
/// Anything malformed is reported with the file and line.
/// </summary>
public static class MetricsCsvReader
{
    /// <summary>Columns that hold text rather than numbers.</summary>
    static readonly HashSet<string> TextColumns = ["batch_order_hash"];

    /// <summary>Reads a file; throws <see cref="UsageException"/> naming the file and line on malformed content.</summary>
    public static IReadOnlyList<MetricsRow> Read(string path)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{path}: cannot be read: {e.Message}");
        }
        return Parse(lines, path);
    }

    /// <summary>Parses the lines of a metrics.csv; <paramref name="path"/> names it in messages.</summary>
    public static IReadOnlyList<MetricsRow> Parse(IReadOnlyList<string> lines, string path)
    {
        if (lines.Count == 0 || string.IsNullOrWhiteSpace(lines[0]))
            throw new UsageException($"{path}:1: empty file; expected a header line starting with 'epoch,train_loss'.");
        var header = lines[0].Trim().Split(',').Select(h => h.Trim()).ToArray();
        foreach (var required in new[] { "epoch", "train_loss" })
            if (!header.Contains(required))
                throw new UsageException($"{path}:1: the header has no '{required}' column (header: {lines[0].Trim()}).");
        var epochColumn = Array.IndexOf(header, "epoch");

        var rows = new List<MetricsRow>();
        for (int i = 1; i < lines.Count; i++)
        {
            var line = lines[i];
            if (string.IsNullOrWhiteSpace(line)) continue;
            var cells = line.Split(',');
            if (cells.Length != header.Length)
                throw new UsageException($"{path}:{i + 1}: {cells.Length} fields where the header has {header.Length}.");
            var values = new Dictionary<string, double?>(StringComparer.Ordinal);
            for (int c = 0; c < header.Length; c++)
            {
                if (TextColumns.Contains(header[c])) continue;
                var cell = cells[c].Trim();
                if (cell.Length == 0) { values[header[c]] = null; continue; }
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                    throw new UsageException($"{path}:{i + 1}: column '{header[c]}' is not a number: '{cell}'.");
                values[header[c]] = v;
            }
            var epochValue = values["epoch"];
            if (epochValue is not { } e || e != Math.Floor(e) || e < 1 || e > int.MaxValue)
                throw new UsageException($"{path}:{i + 1}: column 'epoch' must be a whole number >= 1, not '{cells[epochColumn].Trim()}'.");
            var epoch = (int)e;
            if (rows.Count > 0 && epoch <= rows[^1].Epoch)
                throw new UsageException($"{path}:{i + 1}: epoch {epoch} does not follow epoch {rows[^1].Epoch}.");
            rows.Add(new MetricsRow(epoch, values));
        }
        return rows;
    }
}
