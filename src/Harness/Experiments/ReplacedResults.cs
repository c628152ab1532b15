using Harness.Output;
using Harness.Training;

namespace Harness.Experiments;

/// <summary>
/// The results a <c>--force</c> run replaces, moved aside (renamed to <c>.&lt;name&gt;.replaced-&lt;pid&gt;-&lt;time&gt;</c>
/// beside the folder) rather than deleted: they are deleted once the new experiment has finished a run
/// (<see cref="Commit"/>), and moved back when it fails before that (<see cref="Restore"/>), so a setup error never
/// costs the old results. A process killed in between leaves them there, under a name no later process reuses.
/// </summary>
public sealed class ReplacedResults : ITrainingObserver
{
    readonly string folder;
    readonly string aside;
    bool settled;

    ReplacedResults(string folder, string aside)
    {
        this.folder = folder;
        this.aside = aside;
    }

    /// <summary>Where the old results wait while the new experiment sets up.</summary>
    public string Aside => aside;

    /// <summary>Renames <paramref name="folder"/> to a sibling name (atomic on one file system).</summary>
    public static ReplacedResults MoveAside(string folder)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var aside = Path.Combine(Path.GetDirectoryName(full)!,
            FormattableString.Invariant($".{Path.GetFileName(full)}.replaced-{Environment.ProcessId}-{DateTime.UtcNow:yyyyMMddTHHmmssfff}"));
        FileSystemException.Guard("move the old results aside to", aside, () => Directory.Move(full, aside));
        return new ReplacedResults(full, aside);
    }

    /// <summary>The new experiment is under way: the old results go.</summary>
    public void Commit()
    {
        if (settled) return;
        settled = true;
        FileSystemException.Guard("delete the replaced results in", aside, () => Directory.Delete(aside, recursive: true));
    }

    /// <summary>The new experiment failed before any run finished: its folder goes and the old results come back.</summary>
    public void Restore()
    {
        if (settled) return;
        settled = true;
        FileSystemException.Guard("move the old results back from", aside, () =>
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            Directory.Move(aside, folder);
        });
    }

    /// <inheritdoc />
    public void RunCompleted(RunResult result) => Commit();
}
