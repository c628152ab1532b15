using Harness.Output;
using Harness.Results;
using Harness.Training;

namespace Harness.Experiments;

/// <summary>
/// The results a <c>--force</c> run replaces, moved aside rather than deleted, beside the folder under
/// <c>.&lt;name&gt;.replaced-&lt;pid&gt;-&lt;time&gt;</c>: the whole folder for a whole-grid run, or just the shard's own run
/// folders (and their TensorBoard events) for a <c>--shard</c> run. They are deleted once the new experiment has
/// finished a run (<see cref="Commit"/>), and moved back when it fails before that (<see cref="Restore"/>), so a setup
/// error never costs the old results. A process killed in between leaves them there; the next process that holds
/// the folder's grid lock settles them by the same rule (<see cref="SettleAbandoned"/>).
/// </summary>
public sealed class ReplacedResults : ITrainingObserver
{
    /// <summary>The file in a shard's aside folder that lists the run ids it holds, one per line.</summary>
    const string RunListFile = ".replaced-runs";

    readonly string aside;
    readonly IReadOnlyList<(string Original, string Moved)> moves;
    bool settled;

    ReplacedResults(string aside, IReadOnlyList<(string Original, string Moved)> moves)
    {
        this.aside = aside;
        this.moves = moves;
    }

    /// <summary>Where the old results wait while the new experiment sets up.</summary>
    public string Aside => aside;

    /// <summary>Renames the whole <paramref name="folder"/> to a sibling name (atomic on one file system).</summary>
    public static ReplacedResults MoveAside(string folder)
    {
        var full = FullPath(folder);
        var aside = NewAsideName(full);
        FileSystemException.Guard("move the old results aside to", aside, () => Directory.Move(full, aside));
        return new ReplacedResults(aside, [(full, aside)]);
    }

    /// <summary>
    /// Moves the run folders of <paramref name="runIds"/> that exist in <paramref name="folder"/> (and their TensorBoard
    /// events) into one aside folder, leaving the rest of the folder, which other shards share, in place. Null when
    /// none of the runs exists.
    /// </summary>
    public static ReplacedResults? MoveRunsAside(string folder, IEnumerable<string> runIds)
    {
        var full = FullPath(folder);
        var present = runIds.Where(id => Directory.Exists(RunFolder(full, id))).ToList();
        if (present.Count == 0) return null;
        var aside = NewAsideName(full);
        var moves = new List<(string, string)>();
        FileSystemException.Guard("move the shard's old runs aside to", aside, () =>
        {
            Directory.CreateDirectory(aside);
            // The list is written before anything moves: a kill mid-way leaves an aside that can still be settled.
            AtomicFile.WriteAllText(Path.Combine(aside, RunListFile), string.Join("\n", present) + "\n");
            foreach (var id in present)
                foreach (var original in new[] { RunFolder(full, id), EventsFolder(full, id) })
                {
                    if (!Directory.Exists(original)) continue;
                    var moved = Path.Combine(aside, Path.GetRelativePath(full, original));
                    Directory.CreateDirectory(Path.GetDirectoryName(moved)!);
                    Directory.Move(original, moved);
                    moves.Add((original, moved));
                }
        });
        return new ReplacedResults(aside, moves);
    }

    /// <summary>The new experiment is under way: the old results go.</summary>
    public void Commit()
    {
        if (settled) return;
        settled = true;
        FileSystemException.Guard("delete the replaced results in", aside, () => Directory.Delete(aside, recursive: true));
    }

    /// <summary>The new experiment failed before any run finished: what it wrote in their place goes and the old results come back.</summary>
    public void Restore()
    {
        if (settled) return;
        settled = true;
        FileSystemException.Guard("move the old results back from", aside, () =>
        {
            foreach (var (original, moved) in moves) MoveBack(moved, original);
            if (Directory.Exists(aside)) Directory.Delete(aside, recursive: true);
        });
    }

    /// <inheritdoc />
    public void RunCompleted(RunResult result) => Commit();

    /// <summary>
    /// Settles what killed <c>--force</c> runs left beside <paramref name="folder"/>, by the rule a live run follows: old
    /// results come back unless the new experiment finished a run (a shard's: unless that run finished), and are
    /// deleted otherwise. Call only while holding the folder's exclusive grid lock (no --force process can then be
    /// alive for this folder). Returns a notice per aside settled.
    /// </summary>
    public static IReadOnlyList<string> SettleAbandoned(string folder)
    {
        var full = FullPath(folder);
        var parent = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(parent)) return [];
        var notices = new List<string>();
        var asides = FileSystemException.Guard("look for abandoned --force results in", parent,
            () => Directory.GetDirectories(parent, "." + Path.GetFileName(full) + ".replaced-*").OrderBy(Directory.GetCreationTimeUtc).ToList());
        foreach (var aside in asides)
            FileSystemException.Guard("settle the abandoned --force results in", aside, () =>
            {
                var runList = Path.Combine(aside, RunListFile);
                if (File.Exists(runList))
                    notices.Add(SettleRuns(full, aside, File.ReadAllLines(runList).Where(l => l.Length > 0).ToList()));
                else if (!Directory.Exists(full) || !HasFinishedRun(full))
                {
                    MoveBack(aside, full);
                    notices.Add($"a killed --force run had moved the results of '{full}' aside to '{aside}' before any new run finished: they are back.");
                }
                else
                {
                    Directory.Delete(aside, recursive: true);
                    notices.Add($"deleted '{aside}', the results a killed --force run replaced: the new experiment in '{full}' had finished runs.");
                }
            });
        return notices;
    }

    static string SettleRuns(string folder, string aside, IReadOnlyList<string> runIds)
    {
        var restored = 0;
        var layout = new ResultsLayout(folder);
        foreach (var id in runIds.Where(id => !RunFiles.IsFinished(layout, id)))
        {
            var moved = RunFolder(aside, id);
            if (!Directory.Exists(moved)) continue;
            MoveBack(moved, RunFolder(folder, id));
            var events = EventsFolder(aside, id);
            if (Directory.Exists(events)) MoveBack(events, EventsFolder(folder, id));
            restored++;
        }
        Directory.Delete(aside, recursive: true);
        return $"settled '{aside}', runs a killed --force --shard run had moved aside: {restored} of {runIds.Count} came back (the others had finished again).";
    }

    static bool HasFinishedRun(string folder)
    {
        var runs = new ResultsLayout(folder).RunsFolder;
        return Directory.Exists(runs) && Directory.EnumerateFiles(runs, ResultsLayout.SummaryFileName, SearchOption.AllDirectories)
            .Any(RunSummaryFile.IsFinished);
    }

    /// <summary>Replaces whatever is at <paramref name="original"/> with <paramref name="moved"/>.</summary>
    static void MoveBack(string moved, string original)
    {
        if (Directory.Exists(original)) Directory.Delete(original, recursive: true);
        Directory.CreateDirectory(Path.GetDirectoryName(original)!);
        Directory.Move(moved, original);
    }

    static string RunFolder(string folder, string runId) => new ResultsLayout(folder).RunFolder(runId);

    static string EventsFolder(string folder, string runId) => new ResultsLayout(folder).TensorBoard(runId);

    static string FullPath(string folder) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));

    static string NewAsideName(string full) => Path.Combine(Path.GetDirectoryName(full)!,
        FormattableString.Invariant($".{Path.GetFileName(full)}.replaced-{Environment.ProcessId}-{DateTime.UtcNow:yyyyMMddTHHmmssfff}"));
}
