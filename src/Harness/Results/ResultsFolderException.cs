namespace Harness.Results;

/// <summary>
/// A results folder that cannot be read: it is not one, or one of its files is damaged or not what the harness writes.
/// The message names the file (and, for metrics.csv, the line). The command prints it alone and exits as for bad input.
/// </summary>
public sealed class ResultsFolderException(string message, Exception? inner = null) : Exception(message, inner);
