using System.Globalization;

namespace CustomLosses.Catalog;

/// <summary>The value type of a loss option.</summary>
public enum OptionKind
{
    /// <summary>A real number (double).</summary>
    Real,
    /// <summary>An integer (long).</summary>
    Integer,
    /// <summary>true or false.</summary>
    Boolean,
    /// <summary>A list of real numbers (class weights, per-class alpha).</summary>
    RealVector,
    /// <summary>One of a fixed set of words.</summary>
    Choice,
}

/// <summary>
/// One option of a loss: its name (PyTorch's spelling), type, default, and the range of valid values.
/// </summary>
/// <param name="Name">Option name as PyTorch spells it (delta, label_smoothing, pos_weight...).</param>
/// <param name="Kind">Value type.</param>
/// <param name="Default">Default value (null: not set, for optional tensors and ignore_index).</param>
/// <param name="Description">What the option does, one sentence.</param>
/// <param name="ValidRange">Human-readable valid range, used in error messages ("&gt; 0", "(0, 1)").</param>
/// <param name="IsValid">Range check on a parsed value; null accepts every value of the right type.</param>
/// <param name="Choices">The allowed words for <see cref="OptionKind.Choice"/>.</param>
/// <param name="PerClass">A vector with one entry per class (length checked against the class count).</param>
public sealed record OptionSpec(
    string Name,
    OptionKind Kind,
    object? Default,
    string Description,
    string ValidRange = "any",
    Func<object, bool>? IsValid = null,
    IReadOnlyList<string>? Choices = null,
    bool PerClass = false)
{
    /// <summary>A real option with a range check.</summary>
    public static OptionSpec Real(
        string name, double @default, string description, string validRange = "any real number", Func<double, bool>? isValid = null) =>
        new(name, OptionKind.Real, @default, description, validRange, isValid is null ? null : v => isValid((double)v));

    /// <summary>An integer option with a range check; a null default means "not set".</summary>
    public static OptionSpec Integer(string name, long? @default, string description, string validRange = "any integer", Func<long, bool>? isValid = null) =>
        new(name, OptionKind.Integer, @default, description, validRange, isValid is null ? null : v => isValid((long)v));

    /// <summary>A boolean option.</summary>
    public static OptionSpec Boolean(string name, bool @default, string description) =>
        new(name, OptionKind.Boolean, @default, description, "true or false");

    /// <summary>An optional list of reals; each element must pass <paramref name="isValidElement"/>.</summary>
    public static OptionSpec RealVector(string name, string description, string validRange = "a list of real numbers",
        Func<double, bool>? isValidElement = null, bool perClass = false) =>
        new(name, OptionKind.RealVector, null, description, validRange,
            isValidElement is null ? null : v => ((double[])v).All(isValidElement), null, perClass);

    /// <summary>One word out of <paramref name="choices"/>.</summary>
    public static OptionSpec Choice(string name, string @default, string description, params string[] choices) =>
        new(name, OptionKind.Choice, @default, description, "one of " + string.Join(", ", choices), null, choices);

    /// <summary>The reduction option every loss has.</summary>
    public static readonly OptionSpec Reduction =
        Choice("reduction", "mean", "How per-element losses are combined.", "none", "mean", "sum");

    /// <summary>The default as text, for catalogues ("-" when unset).</summary>
    public string DefaultText => FormatValue(Default);

    /// <summary>Formats an option value the way the catalogue and error messages show it.</summary>
    public static string FormatValue(object? value) => value switch
    {
        null => "-",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        double[] v => "[" + string.Join(", ", v.Select(x => x.ToString("R", CultureInfo.InvariantCulture))) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
