namespace Harness.Results;

/// <summary>
/// Where every file of an experiment's results folder lives. The one place that spells the folder's file and folder
/// names; everything that reads or writes a results folder asks here for the path.
/// </summary>
/// <remarks>
/// <code>
/// &lt;folder&gt;/
///   .harness-results            the marker: the harness created this folder (--force deletes only such folders)
///   config.resolved.json        the experiment as run (required by report and --resume)
///   experiment.json             provenance: command, device, versions, dataset sizes (<see cref="ExperimentInfoFile"/>)
///   summary.json, summary.csv   the grid summary, one entry per finished run (<see cref="GridSummaryFile"/>)
///   report.md, report.json      harness report's output, and plots/&lt;name&gt;.png|svg
///   runs/&lt;id&gt;/                  one folder per run (tuning runs: runs/tuning/&lt;id&gt;)
///     metrics.csv               one row per epoch (<see cref="MetricsFile"/>)
///     summary.json              the finished (or failed) run (<see cref="RunSummaryFile"/>)
///     checkpoint/               epoch-end checkpoints while the run trains
///   tensorboard/&lt;id&gt;/           TensorBoard event files
/// </code>
/// </remarks>
public sealed class ResultsLayout(string folder)
{
    /// <summary>The marker file's name.</summary>
    public const string MarkerFileName = ".harness-results";
    /// <summary>The resolved config's file name.</summary>
    public const string ResolvedConfigFileName = "config.resolved.json";
    /// <summary>experiment.json.</summary>
    public const string ExperimentInfoFileName = "experiment.json";
    /// <summary>The name of a run's summary and of the grid's JSON summary.</summary>
    public const string SummaryFileName = "summary.json";
    /// <summary>The grid's CSV summary.</summary>
    public const string GridSummaryCsvFileName = "summary.csv";
    /// <summary>A run's epoch file.</summary>
    public const string MetricsFileName = "metrics.csv";
    /// <summary>The folder of the run folders.</summary>
    public const string RunsFolderName = "runs";
    /// <summary>A run's checkpoint folder.</summary>
    public const string CheckpointFolderName = "checkpoint";
    /// <summary>The folder of the TensorBoard event folders.</summary>
    public const string TensorBoardFolderName = "tensorboard";
    /// <summary>The report's Markdown file.</summary>
    public const string ReportMarkdownFileName = "report.md";
    /// <summary>The report's JSON file.</summary>
    public const string ReportJsonFileName = "report.json";
    /// <summary>The report's plot folder.</summary>
    public const string PlotsFolderName = "plots";

    /// <summary>The results folder itself.</summary>
    public string Folder { get; } = folder;

    /// <summary>The marker file.</summary>
    public string Marker => Path.Combine(Folder, MarkerFileName);
    /// <summary>config.resolved.json.</summary>
    public string ResolvedConfig => Path.Combine(Folder, ResolvedConfigFileName);
    /// <summary>experiment.json.</summary>
    public string ExperimentInfo => Path.Combine(Folder, ExperimentInfoFileName);
    /// <summary>The grid's summary.json.</summary>
    public string GridSummaryJson => Path.Combine(Folder, SummaryFileName);
    /// <summary>The grid's summary.csv.</summary>
    public string GridSummaryCsv => Path.Combine(Folder, GridSummaryCsvFileName);
    /// <summary>report.md.</summary>
    public string ReportMarkdown => Path.Combine(Folder, ReportMarkdownFileName);
    /// <summary>report.json.</summary>
    public string ReportJson => Path.Combine(Folder, ReportJsonFileName);
    /// <summary>A plot file: plots/&lt;name&gt;.&lt;extension&gt;.</summary>
    public string Plot(string name, string extension) => Path.Combine(Folder, PlotsFolderName, name + "." + extension);
    /// <summary>A plot file relative to the folder, as report.json and report.md name it.</summary>
    public static string PlotRelative(string name, string extension) => PlotsFolderName + "/" + name + "." + extension;

    /// <summary>runs/: every run folder.</summary>
    public string RunsFolder => Path.Combine(Folder, RunsFolderName);
    /// <summary>runs/&lt;id&gt;/ (a tuning run's id starts with tuning/).</summary>
    public string RunFolder(string runId) => Path.Combine(RunsFolder, runId);
    /// <summary>runs/&lt;id&gt;/summary.json.</summary>
    public string RunSummary(string runId) => SummaryIn(RunFolder(runId));
    /// <summary>runs/&lt;id&gt;/metrics.csv.</summary>
    public string Metrics(string runId) => MetricsIn(RunFolder(runId));
    /// <summary>runs/&lt;id&gt;/checkpoint/.</summary>
    public string CheckpointFolder(string runId) => Path.Combine(RunFolder(runId), CheckpointFolderName);
    /// <summary>tensorboard/: every run's event folder.</summary>
    public string TensorBoardFolder => Path.Combine(Folder, TensorBoardFolderName);
    /// <summary>tensorboard/&lt;id&gt;/.</summary>
    public string TensorBoard(string runId) => Path.Combine(TensorBoardFolder, runId);

    /// <summary>The summary.json of a run folder found on disk.</summary>
    public static string SummaryIn(string runFolder) => Path.Combine(runFolder, SummaryFileName);
    /// <summary>The metrics.csv of a run folder found on disk.</summary>
    public static string MetricsIn(string runFolder) => Path.Combine(runFolder, MetricsFileName);
}
