using System.Globalization;
using System.Text;
using Harness.Metrics;
using Harness.Output;

namespace Harness.Results;

/// <summary>
/// <c>runs/&lt;id&gt;/metrics.csv</c>: a header, then one row per epoch (<see cref="EpochMetrics"/>), every number
/// written round-trip so the rows read back exactly. Every field is a number or a hex hash, so no quoting is needed.
/// The one reader finds columns by header name: columns added since (calibration, timing splits) are empty or 0 in
/// older files, and columns it does not know are ignored.
/// </summary>
public static class MetricsFile
{
    /// <summary>The numeric columns, in order, with the epoch field each one holds: one table for writing and for reading.</summary>
    static readonly (string Column, Func<EpochMetrics, double?> Value, Action<Cells, double?> Set, bool Required)[] Numeric =
    [
        ("epoch", m => m.Epoch, (b, v) => b.Epoch = v, true), ("train_loss", m => m.TrainLoss, (b, v) => b.TrainLoss = v, true),
        ("train_accuracy", m => m.TrainAccuracy, (b, v) => b.TrainAccuracy = v, false),
        ("validation_accuracy", m => m.ValidationAccuracy, (b, v) => b.ValidationAccuracy = v, false),
        ("test_accuracy", m => m.TestAccuracy, (b, v) => b.TestAccuracy = v, false),
        ("test_balanced_accuracy", m => m.TestBalancedAccuracy, (b, v) => b.TestBalancedAccuracy = v, false),
        ("test_macro_f1", m => m.TestMacroF1, (b, v) => b.TestMacroF1 = v, false),
        ("validation_rmse", m => m.ValidationRmse, (b, v) => b.ValidationRmse = v, false),
        ("test_rmse", m => m.TestRmse, (b, v) => b.TestRmse = v, false),
        ("test_mae", m => m.TestMae, (b, v) => b.TestMae = v, false),
        ("test_r2", m => m.TestR2, (b, v) => b.TestR2 = v, false),
        ("validation_yardstick", m => m.ValidationYardstick, (b, v) => b.ValidationYardstick = v, false),
        ("test_yardstick", m => m.TestYardstick, (b, v) => b.TestYardstick = v, true),
        ("test_brier", m => m.TestBrier, (b, v) => b.TestBrier = v, false),
        ("test_ece", m => m.TestEce, (b, v) => b.TestEce = v, false),
        ("test_adaptive_ece", m => m.TestAdaptiveEce, (b, v) => b.TestAdaptiveEce = v, false),
        ("test_classwise_ece", m => m.TestClasswiseEce, (b, v) => b.TestClasswiseEce = v, false),
        ("learning_rate", m => m.LearningRate, (b, v) => b.LearningRate = v, true),
        ("mean_gradient_norm", m => m.MeanGradientNorm, (b, v) => b.MeanGradientNorm = v, true),
        ("epoch_seconds", m => m.EpochSeconds, (b, v) => b.EpochSeconds = v, true),
        ("samples_per_second", m => m.SamplesPerSecond, (b, v) => b.SamplesPerSecond = v, true),
        // Measured since a later version: 0 in older files, as in epochs checkpointed by a harness that did not measure them.
        ("compute_seconds", m => m.ComputeSeconds, (b, v) => b.ComputeSeconds = v, false),
        ("data_seconds", m => m.DataSeconds, (b, v) => b.DataSeconds = v, false),
        ("evaluation_seconds", m => m.EvaluationSeconds, (b, v) => b.EvaluationSeconds = v, false),
    ];

    /// <summary>The text column: the epoch's batch-order hash.</summary>
    const string HashColumn = "batch_order_hash";

    /// <summary>Column names, in order: the numeric columns, then the batch-order hash.</summary>
    public static readonly string[] Columns = [.. Numeric.Select(c => c.Column), HashColumn];

    /// <summary>Columns that measure time and so differ between otherwise identical runs.</summary>
    public static readonly string[] TimingColumns = ["epoch_seconds", "samples_per_second", "compute_seconds", "data_seconds", "evaluation_seconds"];

    /// <summary>The header line (no line break).</summary>
    public static string Header { get; } = string.Join(",", Columns);

    /// <summary>The line of one epoch (no line break).</summary>
    public static string Row(EpochMetrics m) => string.Join(",", Numeric.Select(c => F(c.Value(m))).Append(m.BatchOrderHash));

    /// <summary>The whole file: the header and a line per epoch, each ending in a line break.</summary>
    public static string Text(IEnumerable<EpochMetrics> rows)
    {
        var sb = new StringBuilder(Header).Append('\n');
        foreach (var m in rows) sb.Append(Row(m)).Append('\n');
        return sb.ToString();
    }

    /// <summary>Writes the whole file atomically.</summary>
    public static void Write(string path, IEnumerable<EpochMetrics> rows) => AtomicFile.WriteAllText(path, Text(rows));

    /// <summary>
    /// Appends one epoch's line to a file that holds the earlier ones, in one write(2) (no FileStream buffer), so a
    /// killed process leaves whole lines only.
    /// </summary>
    public static void Append(string path, EpochMetrics m)
    {
        var bytes = Encoding.UTF8.GetBytes(Row(m) + "\n");
        using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
        file.Write(bytes);
    }

    /// <summary>The value an epoch holds in a numeric column of <see cref="Columns"/> (null: empty cell).</summary>
    public static double? Value(EpochMetrics m, string column)
    {
        var index = Array.FindIndex(Numeric, c => c.Column == column);
        if (index < 0) throw new ArgumentException($"'{column}' is not a numeric metrics.csv column.", nameof(column));
        return Numeric[index].Value(m);
    }

    /// <summary>Reads a file back into its epochs; throws <see cref="ResultsFolderException"/> naming the file (and line).</summary>
    public static IReadOnlyList<EpochMetrics> Read(string path)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ResultsFolderException($"{path}: cannot be read: {e.Message}", e);
        }
        return Parse(lines, path);
    }

    /// <summary>Parses the lines of a metrics.csv; <paramref name="path"/> names it in messages.</summary>
    public static IReadOnlyList<EpochMetrics> Parse(IReadOnlyList<string> lines, string path)
    {
        if (lines.Count == 0 || string.IsNullOrWhiteSpace(lines[0]))
            throw new ResultsFolderException($"{path}:1: empty file; expected a header line starting with 'epoch,train_loss'.");
        var header = lines[0].Trim().Split(',').Select(h => h.Trim()).ToArray();
        foreach (var required in Numeric.Where(c => c.Required).Select(c => c.Column).Append(HashColumn))
            if (!header.Contains(required))
                throw new ResultsFolderException($"{path}:1: the header has no '{required}' column (header: {lines[0].Trim()}).");
        // For each numeric column of the table, its position in this file's header (-1: absent).
        var position = Numeric.Select(c => Array.IndexOf(header, c.Column)).ToArray();
        var hashPosition = Array.IndexOf(header, HashColumn);

        var rows = new List<EpochMetrics>();
        for (int i = 1; i < lines.Count; i++)
        {
            var line = lines[i];
            if (string.IsNullOrWhiteSpace(line)) continue;
            var cells = line.Split(',');
            if (cells.Length != header.Length)
                throw new ResultsFolderException($"{path}:{i + 1}: {cells.Length} fields where the header has {header.Length}.");
            var b = new Cells();
            for (int c = 0; c < Numeric.Length; c++)
            {
                if (position[c] < 0) continue;
                var cell = cells[position[c]].Trim();
                double? value = null;
                if (cell.Length > 0)
                    value = double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                        : throw new ResultsFolderException($"{path}:{i + 1}: column '{Numeric[c].Column}' is not a number: '{cell}'.");
                else if (Numeric[c].Required && c > 0)
                    throw new ResultsFolderException($"{path}:{i + 1}: column '{Numeric[c].Column}' is empty.");
                Numeric[c].Set(b, value);
            }
            if (b.Epoch is not { } e || e != Math.Floor(e) || e < 1 || e > int.MaxValue)
                throw new ResultsFolderException($"{path}:{i + 1}: column 'epoch' must be a whole number >= 1, not '{cells[position[0]].Trim()}'.");
            if (rows.Count > 0 && (int)e <= rows[^1].Epoch)
                throw new ResultsFolderException($"{path}:{i + 1}: epoch {(int)e} does not follow epoch {rows[^1].Epoch}.");
            b.BatchOrderHash = cells[hashPosition].Trim();
            rows.Add(b.Build());
        }
        return rows;
    }

    /// <summary>One row's cells as read, before they make an <see cref="EpochMetrics"/>.</summary>
    sealed class Cells
    {
        public double? Epoch, TrainLoss, TrainAccuracy, ValidationAccuracy, TestAccuracy, TestBalancedAccuracy, TestMacroF1, ValidationRmse,
            TestRmse, TestMae, TestR2, ValidationYardstick, TestYardstick, TestBrier, TestEce, TestAdaptiveEce, TestClasswiseEce,
            LearningRate, MeanGradientNorm, EpochSeconds, SamplesPerSecond, ComputeSeconds, DataSeconds, EvaluationSeconds;
        public string BatchOrderHash = "";

        // Required columns are checked present and non-empty before this runs.
        public EpochMetrics Build() => new()
        {
            Epoch = (int)Epoch!.Value, TrainLoss = TrainLoss!.Value, TrainAccuracy = TrainAccuracy, ValidationAccuracy = ValidationAccuracy,
            TestAccuracy = TestAccuracy, TestBalancedAccuracy = TestBalancedAccuracy, TestMacroF1 = TestMacroF1, ValidationRmse = ValidationRmse,
            TestRmse = TestRmse, TestMae = TestMae, TestR2 = TestR2, ValidationYardstick = ValidationYardstick, TestYardstick = TestYardstick!.Value,
            TestBrier = TestBrier, TestEce = TestEce, TestAdaptiveEce = TestAdaptiveEce, TestClasswiseEce = TestClasswiseEce,
            LearningRate = LearningRate!.Value, MeanGradientNorm = MeanGradientNorm!.Value, EpochSeconds = EpochSeconds!.Value,
            SamplesPerSecond = SamplesPerSecond!.Value, ComputeSeconds = ComputeSeconds ?? 0, DataSeconds = DataSeconds ?? 0,
            EvaluationSeconds = EvaluationSeconds ?? 0, BatchOrderHash = BatchOrderHash,
        };
    }

    /// <summary>Round-trip formatting; empty for not applicable.</summary>
    static string F(double? v) => v is { } d ? d.ToString("R", CultureInfo.InvariantCulture) : "";
}
