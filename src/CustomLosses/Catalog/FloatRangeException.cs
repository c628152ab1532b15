namespace CustomLosses.Catalog;

/// <summary>An option value a double holds but the float32 the losses compute in cannot (its message says the valid range).</summary>
public sealed class FloatRangeException(string message) : FormatException(message);
