namespace Harness.Data;

/// <summary>
/// A dataset could not be loaded or prepared. The message is meant for the user as it stands: it names the
/// file (and line, for CSV), says what is wrong and how to fix it. The CLI prints only the message and exits
/// with code 2, so the message must never depend on the inner exception or a stack trace to be understood.
/// </summary>
public sealed class DataException : Exception
{
    /// <summary>A data error with a complete, user-facing message.</summary>
    public DataException(string message) : base(message) { }

    /// <summary>A data error caused by <paramref name="inner"/>; the message must stand alone regardless.</summary>
    public DataException(string message, Exception inner) : base(message, inner) { }
}
