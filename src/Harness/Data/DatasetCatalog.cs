namespace Harness.Data;

/// <summary>
/// What a dataset's loader hands back before splitting: the pool, the dataset's own test split if it has one, the class
/// count (0 for regression), where it came from, and a note for the run log.
/// </summary>
internal sealed record LoadedDataset(HostTable Pool, HostTable? OwnTest, int ClassCount, string Source, string? Note = null);

/// <summary>
/// One dataset a config can name, and everything the harness knows about it before loading it.
/// </summary>
/// <param name="Name">The config name (<c>dataset.name</c>).</param>
/// <param name="Task">Classification or regression; null when the CSV section decides (or its target column, inferred).</param>
/// <param name="Classes">Classes known before loading: a fixed count, from the config (synthetic-blobs), or null (regression, CSV files).</param>
/// <param name="ClassesSetting">The config key that sets the class count, or null when the dataset fixes it.</param>
/// <param name="FeatureShape">Per-sample feature shape in words ("64", "1x28x28", "dataset.synthetic.features").</param>
/// <param name="IsImage">Images a CNN can take.</param>
/// <param name="OwnTestSplit">The dataset comes with its own test split (testFraction does not apply).</param>
/// <param name="Source">Where the data comes from.</param>
/// <param name="Licence">Its licence, or where the user's own data's is decided.</param>
public sealed record DatasetInfo(
    string Name,
    TaskKind? Task,
    Func<DatasetConfig, int?> Classes,
    string? ClassesSetting,
    string FeatureShape,
    bool IsImage,
    bool OwnTestSplit,
    string Source,
    string Licence)
{
    /// <summary>Loads it: from the dataset section, the folder relative paths start from, and the data seed.</summary>
    internal Func<DatasetConfig, string, int, LoadedDataset> Load { get; init; } = (_, _, _) => throw new InvalidOperationException("no loader");

    /// <summary>True when the targets of this dataset, as configured, are real values.</summary>
    public bool IsRegression(DatasetConfig config) =>
        (Task ?? (string.Equals(config.Csv.Task?.Trim(), "regression", StringComparison.OrdinalIgnoreCase) ? TaskKind.Regression : TaskKind.Classification))
        == TaskKind.Regression;

    /// <summary>Classes known before loading; null for regression and for CSV files (known only after loading).</summary>
    public int? ClassCount(DatasetConfig config) => IsRegression(config) ? null : Classes(config);
}

/// <summary>
/// The one list of datasets: config validation, <see cref="DatasetLoader"/>, the experiment report and
/// <c>harness list datasets</c> all read it. To add a dataset, add its entry here.
/// </summary>
public static class DatasetCatalog
{
    const string ShippedLicence = "see src/Harness/Data/Shipped/README.md";

    /// <summary>Every dataset, in the order lists show them.</summary>
    public static IReadOnlyList<DatasetInfo> All { get; } =
    [
        Shipped("digits", "digits.csv.gz", TaskKind.Classification, 10, "64 (8x8 pixels)",
            "UCI Optical Recognition of Handwritten Digits (scikit-learn copy, embedded)", "CC BY 4.0 (UCI)"),
        Shipped("breast-cancer", "breast_cancer.csv.gz", TaskKind.Classification, 2, "30",
            "UCI Breast Cancer Wisconsin (Diagnostic) (scikit-learn copy, embedded)", "CC BY 4.0 (UCI)"),
        Shipped("diabetes", "diabetes.csv.gz", TaskKind.Regression, null, "10",
            "Efron et al. (2004) diabetes (scikit-learn copy, embedded)", "redistributed with scikit-learn; " + ShippedLicence),
        Idx("fashion-mnist", IdxDatasets.FashionMnistDefaultRoot, "Zalando Fashion-MNIST IDX files", "MIT"),
        Idx("mnist", IdxDatasets.MnistDefaultRoot, "MNIST IDX files (LeCun, Cortes, Burges)", "CC BY-SA 3.0"),
        new("csv", null, _ => null, null, "the file's feature columns", IsImage: false, OwnTestSplit: false, "a CSV file (dataset.csv)", "the file's own")
        {
            Load = (c, baseDirectory, _) =>
            {
                var (t, k, s, note) = TabularDatasets.LoadCsv(c.Csv, baseDirectory);
                return new LoadedDataset(t, null, k, s, note);
            },
        },
        new("synthetic-regression", TaskKind.Regression, _ => null, null, "dataset.synthetic.features", IsImage: false, OwnTestSplit: false,
            "generated (dataset.synthetic)", "none needed (generated)")
        {
            Load = (c, _, seed) =>
            {
                var (t, s) = SyntheticDatasets.Regression(c.Synthetic, DatasetLoader.Derive(seed, DatasetLoader.StreamSynthetic));
                return new LoadedDataset(t, null, 0, s);
            },
        },
        new("synthetic-blobs", TaskKind.Classification, c => c.Synthetic.Classes, "dataset.synthetic.classes", "dataset.synthetic.features",
            IsImage: false, OwnTestSplit: false, "generated (dataset.synthetic)", "none needed (generated)")
        {
            Load = (c, _, seed) =>
            {
                var (t, k, s) = SyntheticDatasets.Blobs(c.Synthetic, DatasetLoader.Derive(seed, DatasetLoader.StreamSynthetic));
                return new LoadedDataset(t, null, k, s);
            },
        },
    ];

    /// <summary>The dataset names a config accepts (case-insensitive).</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(d => d.Name).ToList();

    /// <summary>The datasets a CNN can take.</summary>
    public static IReadOnlyList<string> ImageNames { get; } = All.Where(d => d.IsImage).Select(d => d.Name).ToList();

    /// <summary>The dataset of that name (case-insensitive, trimmed), or null.</summary>
    public static DatasetInfo? Find(string? name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>True when the configured dataset's targets are real values (false for unknown names).</summary>
    public static bool IsRegression(DatasetConfig config) => Find(config.Name)?.IsRegression(config) ?? false;

    /// <summary>Classes known before loading; null for regression, CSV files and unknown names.</summary>
    public static int? ClassCount(DatasetConfig config) => Find(config.Name)?.ClassCount(config);

    static DatasetInfo Shipped(string name, string file, TaskKind task, int? classes, string features, string source, string licence) =>
        new(name, task, _ => classes, null, features, IsImage: false, OwnTestSplit: false, source, licence)
        {
            Load = (_, _, _) =>
            {
                var (t, k, s, note) = TabularDatasets.LoadShipped(name, file, task);
                return new LoadedDataset(t, null, k, s, note);
            },
        };

    static DatasetInfo Idx(string name, string defaultRoot, string source, string licence) =>
        new(name, TaskKind.Classification, _ => 10, null, "1x28x28", IsImage: true, OwnTestSplit: true,
            source + $" (dataset.root, default {defaultRoot})", licence)
        {
            Load = (c, baseDirectory, _) =>
            {
                var root = c.Root.Trim().Length > 0 ? Path.GetFullPath(Path.Combine(baseDirectory, c.Root)) : defaultRoot;
                var (train, test, s) = IdxDatasets.Load(name, root, c.Download);
                return new LoadedDataset(train, test, 10, s);
            },
        };
}
