using Harness.Output;

namespace Harness.Experiments;

/// <summary>
/// The file (<c>.harness-results</c>) the harness writes first into every results folder it creates. <c>--force</c>
/// deletes only folders that carry it, so that a mistyped <c>--output</c> (say, <c>.</c> with an experiment named
/// <c>src</c>) can never delete what the harness did not write.
/// </summary>
public static class ResultsFolderMarker
{
    /// <summary>The marker's file name.</summary>
    public const string FileName = Results.ResultsLayout.MarkerFileName;

    /// <summary>True when <paramref name="folder"/> carries the marker.</summary>
    public static bool IsOn(string folder) => File.Exists(Path.Combine(folder, FileName));

    /// <summary>Writes the marker into <paramref name="folder"/> (which the harness has just created).</summary>
    public static void Write(string folder, string command) =>
        AtomicFile.WriteAllText(Path.Combine(folder, FileName),
            FormattableString.Invariant($"This results folder was created by the harness ({command}, PID {Environment.ProcessId}, ") +
            FormattableString.Invariant($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}).\n") +
            "harness run --force replaces only folders that carry this file.\n");
}
