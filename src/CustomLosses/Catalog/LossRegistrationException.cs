namespace CustomLosses.Catalog;

/// <summary>A loss could not be registered: bad metadata, a name already taken, or a class without a usable <c>Spec</c>.</summary>
public sealed class LossRegistrationException(string message) : Exception(message);
