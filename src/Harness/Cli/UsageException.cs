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
    /// <summary>Bad input: nothing was run, nothing was written.</summary>
    public const int BadInput = 2;
}
