namespace Harness.Data;

// The dataset section of experiments/*.json (see Config/ExperimentConfig.cs for the whole file). These records live
// with the data code that reads them, so Data needs nothing from Config; Config's ExperimentConfig holds one.

/// <summary>Where the data comes from and what is done to it.</summary>
public sealed record DatasetConfig
{
    /// <summary>digits, breast-cancer, diabetes, fashion-mnist, mnist, csv, synthetic-regression, synthetic-blobs.</summary>
    public string Name { get; init; } = "digits";
    /// <summary>Folder of IDX files (fashion-mnist, mnist); empty: the dataset's default root.</summary>
    public string Root { get; init; } = "";
    /// <summary>Download missing IDX files with TorchVision's downloader (needs internet).</summary>
    public bool Download { get; init; }
    /// <summary>Fraction of the training split held out for validation, in [0, 1).</summary>
    public double ValidationFraction { get; init; } = 0.1;
    /// <summary>Fraction of the data used as the test split for datasets without their own, in (0, 1).</summary>
    public double TestFraction { get; init; } = 0.2;
    /// <summary>Standardize features with training-split statistics (tabular and synthetic data).</summary>
    public bool Standardize { get; init; } = true;
    /// <summary>
    /// A fixed seed for the split, the corruptions and synthetic data, the same for every run seed. Null (default): each
    /// run seed draws its own split and corruption, so intervals over seeds include split variance.
    /// </summary>
    public int? Seed { get; init; }
    /// <summary>Use at most this many training samples (0: all); for quick runs.</summary>
    public int TrainLimit { get; init; }
    /// <summary>Use at most this many test samples (0: all).</summary>
    public int TestLimit { get; init; }
    /// <summary>For name = csv.</summary>
    public CsvDatasetConfig Csv { get; init; } = new();
    /// <summary>For the synthetic generators.</summary>
    public SyntheticDatasetConfig Synthetic { get; init; } = new();
    /// <summary>Corruptions applied to the training split (and to validation only when asked).</summary>
    public CorruptionConfig Corruption { get; init; } = new();
}

/// <summary>A CSV file as a dataset.</summary>
public sealed record CsvDatasetConfig
{
    /// <summary>Path of the CSV file.</summary>
    public string Path { get; init; } = "";
    /// <summary>Target column: a header name, or a zero-based index; empty: the last column.</summary>
    public string TargetColumn { get; init; } = "";
    /// <summary>
    /// The feature columns (header names or zero-based indices; file order is kept); empty: every column but the target
    /// and <see cref="IgnoreColumns"/>.
    /// </summary>
    public IReadOnlyList<string> Features { get; init; } = [];
    /// <summary>Columns that are neither features nor the target (an id, a text column): header names or zero-based indices.</summary>
    public IReadOnlyList<string> IgnoreColumns { get; init; } = [];
    /// <summary>
    /// classification or regression; empty (default): inferred from the target column (see <c>CsvTaskInference</c>) and
    /// written into the resolved config.
    /// </summary>
    public string Task { get; init; } = "";
    /// <summary>The first row is a header.</summary>
    public bool Header { get; init; } = true;
    /// <summary>Field separator.</summary>
    public string Separator { get; init; } = ",";
}

/// <summary>Synthetic data for controlled studies.</summary>
public sealed record SyntheticDatasetConfig
{
    /// <summary>Number of samples (train + test).</summary>
    public int Samples { get; init; } = 2000;
    /// <summary>Number of features.</summary>
    public int Features { get; init; } = 10;
    /// <summary>Number of classes (synthetic-blobs).</summary>
    public int Classes { get; init; } = 3;
    /// <summary>Noise: target noise standard deviation (regression) or blob spread (classification).</summary>
    public double Noise { get; init; } = 0.5;
    /// <summary>Nonlinear target (regression): y = sum sin(w x) + ... instead of a linear function.</summary>
    public bool Nonlinear { get; init; }
}

/// <summary>Corruptions of the training split that loss studies need; the validation split stays clean unless asked, the test split always.</summary>
public sealed record CorruptionConfig
{
    /// <summary>Fraction of training labels replaced, in [0, 1).</summary>
    public double LabelNoise { get; init; }
    /// <summary>symmetric (uniform over the other classes) or class-dependent (to the next class, c -> c+1 mod C).</summary>
    public string LabelNoiseKind { get; init; } = "symmetric";
    /// <summary>Classes whose training samples are cut to <see cref="ImbalanceKeepFraction"/>.</summary>
    public IReadOnlyList<int> ImbalanceClasses { get; init; } = [];
    /// <summary>Fraction of the imbalanced classes' training samples kept, in (0, 1].</summary>
    public double ImbalanceKeepFraction { get; init; } = 1.0;
    /// <summary>Fraction of regression training targets replaced by gross outliers, in [0, 1).</summary>
    public double OutlierFraction { get; init; }
    /// <summary>Outlier size in standard deviations of the target.</summary>
    public double OutlierScale { get; init; } = 10.0;
    /// <summary>
    /// clean (default): corruptions touch the training portion only, so validation measures the true task and selection
    /// on it means something; corrupted: the validation split is corrupted like the training split. Test data is never corrupted.
    /// </summary>
    public string Validation { get; init; } = "clean";
}
