namespace CustomLosses.Catalog;

/// <summary>
/// A loss name or option that cannot be used. The message names the loss, the option, the value
/// given and what is valid, so it can be shown to a user as it is.
/// </summary>
public sealed class LossOptionException : ArgumentException
{
    /// <summary>Creates the exception with a complete, user-facing message.</summary>
    public LossOptionException(string message) : base(message) { }
}
