using System.Globalization;

namespace Harness.Data;

/// <summary>
/// Tabular datasets: the three shipped sets (embedded gzipped CSVs, see Shipped/README.md) and any CSV file
/// named in the config. Both go through <see cref="CsvTableReader"/>; this class turns the target texts into
/// class indices or real values.
/// </summary>
internal static class TabularDatasets
{
    /// <summary>Loads a shipped dataset (its embedded file and task from <see cref="DatasetCatalog"/>) from the assembly's embedded resources.</summary>
    public static (HostTable Table, int ClassCount, string Source, string? Note) LoadShipped(string name, string file, TaskKind task)
    {
        var resource = $"Harness.Data.Shipped.{file}";
        using var stream = typeof(TabularDatasets).Assembly.GetManifestResourceStream(resource)
            ?? throw new DataException($"{name}: embedded resource {resource} is missing from the harness assembly; " +
                                       "the build is broken (src/Harness/Data/Shipped).");
        using var gzip = new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var csv = CsvTableReader.Read(reader, $"(embedded) {file}", "", header: true, ",");
        var (table, classes, note) = ToTable(csv, task, $"(embedded) {file}");
        return (table, classes, $"shipped {file} (scikit-learn copy; see src/Harness/Data/Shipped/README.md)", note);
    }

    /// <summary>Loads the CSV file of <paramref name="config"/>; a relative path is resolved against <paramref name="baseDirectory"/>.</summary>
    public static (HostTable Table, int ClassCount, string Source, string? Note) LoadCsv(CsvDatasetConfig config, string baseDirectory)
    {
        if (string.IsNullOrWhiteSpace(config.Path))
            throw new DataException("csv: no file given. Set \"dataset\": { \"csv\": { \"path\": \"data.csv\" } } (relative to the config file's folder).");
        TaskKind? given = config.Task.Trim().ToLowerInvariant() switch
        {
            "" => null,
            "classification" => TaskKind.Classification,
            "regression" => TaskKind.Regression,
            _ => throw new DataException($"csv: task \"{config.Task}\" is not valid; use \"classification\", \"regression\", or leave it empty to infer it."),
        };
        var path = Path.GetFullPath(Path.Combine(baseDirectory, config.Path));
        var csv = CsvTableReader.ReadFile(path, config.TargetColumn, config.Header, config.Separator, config.Features, config.IgnoreColumns);
        // An empty task is inferred from the targets, as the config loader does (it could not read the file there).
        var task = given ?? (CsvTaskInference.Infer(csv.TargetTexts, csv.Columns[csv.TargetIndex]).Task == "regression"
            ? TaskKind.Regression
            : TaskKind.Classification);
        var (table, classes, note) = ToTable(csv, task, path);
        return (table, classes, $"{path} (target column \"{csv.Columns[csv.TargetIndex]}\")", note);
    }

    static (HostTable, int, string?) ToTable(CsvTableReader.CsvTable csv, TaskKind task, string path)
    {
        var shape = new long[] { csv.FeatureCount };
        var column = csv.Columns[csv.TargetIndex];
        if (task == TaskKind.Regression)
        {
            var values = new double[csv.TargetTexts.Length];
            for (int i = 0; i < values.Length; i++)
                if (!double.TryParse(csv.TargetTexts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
                    throw new DataException($"{path}:{csv.LineNumbers[i]}: non-numeric regression target in column \"{column}\": \"{csv.TargetTexts[i]}\". " +
                                            "Use task \"classification\" for label columns.");
                else if (Math.Abs(values[i]) > float.MaxValue)
                    throw new DataException($"{path}:{csv.LineNumbers[i]}: regression target {csv.TargetTexts[i]} in column \"{column}\" is beyond float32 " +
                                            "range (|x| <= 3.4e38), in which targets are stored.");
            return (new HostTable(csv.Features, shape, null, values), 0, null);
        }

        var (classes, count, note) = MapClasses(csv.TargetTexts);
        if (count < 2)
            throw new DataException($"{path}: the target column \"{column}\" has a single class (\"{csv.TargetTexts[0]}\"); " +
                                    "classification needs at least two. Is \"targetColumn\" right?");
        return (new HostTable(csv.Features, shape, classes, null), count, note);
    }

    /// <summary>
    /// Integers that are exactly 0..K-1 (all present) are used as they are; anything else (1-based labels,
    /// gaps, text) maps the sorted distinct labels to 0..K-1: numerically if all are numbers, else ordinally.
    /// </summary>
    internal static (long[] Classes, int Count, string? Note) MapClasses(IReadOnlyList<string> labels)
    {
        var numeric = new double[labels.Count];
        bool allNumeric = true;
        for (int i = 0; i < labels.Count && allNumeric; i++)
            allNumeric = double.TryParse(labels[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numeric[i]) && double.IsFinite(numeric[i]);
        if (allNumeric)
        {
            var distinct = numeric.Distinct().Order().ToArray();
            bool identity = distinct.Select((v, i) => v == i).All(x => x);
            var index = distinct.Select((v, i) => (v, i)).ToDictionary(x => x.v, x => (long)x.i);
            var classes = numeric.Select(v => index[v]).ToArray();
            return (classes, distinct.Length, identity ? null
                : MappingNote(distinct.Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray()));
        }
        var names = labels.Distinct().Order(StringComparer.Ordinal).ToArray();
        var byName = names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => (long)x.i);
        return (labels.Select(l => byName[l]).ToArray(), names.Length,
            MappingNote(names));
    }

    static string MappingNote(string[] sorted) =>
        $"{sorted.Length} class labels mapped to indices: " +
        $"{string.Join(", ", sorted.Take(20).Select((n, i) => $"{n}->{i}"))}{(sorted.Length > 20 ? ", ..." : "")}";
}
