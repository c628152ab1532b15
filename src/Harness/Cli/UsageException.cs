namespace Harness.Cli;

/// <summary>
/// Bad input from the user (an unknown loss, an unavailable device...). The command prints the message
/// alone, without a stack trace, and exits with <see cref="ExitCodes.BadInput"/>.
/// </summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>Process exit codes of the harness.</summary>
public static class ExitCodes
{
    /// <summary>Everything ran and passed.</summary>
    public const int Success = 0;
    /// <summary>The work ran and found failures (a loss failed validation).</summary>
    public const int Failed = 1;
    /// <summary>Bad input (a config, an argument, a data file, a results folder in use by another process): nothing was run, nothing was written.</summary>
    public const int BadInput = 2;
    /// <summary>The experiment ran, but at least one of its runs failed (its summary.json says why; --resume retries it).</summary>
    public const int RunsFailed = 3;
    /// <summary>The environment failed the command (a full disk, a permission denied, a read-only folder); the message names the path.</summary>
    public const int Environment = 4;
    /// <summary>An unexpected error: a harness bug (the message says what; please report it).</summary>
    public const int InternalError = 70;
}
