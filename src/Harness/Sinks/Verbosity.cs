namespace Harness.Sinks;

/// <summary>How much `harness run` prints when its output is not a terminal (a pipe, a log file, CI).</summary>
public enum Verbosity
{
    /// <summary>The ranking table and the verdict only.</summary>
    Quiet,
    /// <summary>The data, one line per phase (tuning, evaluation), the rates tuning chose, divergences, then the table and verdict.</summary>
    Normal,
    /// <summary>Normal, plus a line per run and per epoch.</summary>
    Verbose,
}
