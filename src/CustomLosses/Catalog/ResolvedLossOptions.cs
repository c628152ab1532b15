using static TorchSharp.torch;

namespace CustomLosses.Catalog;

/// <summary>
/// Option values after checking against a loss's specs: every declared option has a typed value
/// (the user's or the default). Loss factories read from this.
/// </summary>
public sealed class ResolvedLossOptions
{
    readonly IReadOnlyDictionary<string, object?> values;

    internal ResolvedLossOptions(string lossName, IReadOnlyDictionary<string, object?> values)
    {
        LossName = lossName;
        this.values = values;
    }

    /// <summary>The loss these options belong to.</summary>
    public string LossName { get; }

    /// <summary>Every option and its value (defaults included), in declaration order.</summary>
    public IReadOnlyDictionary<string, object?> Values => values;

    /// <summary>A real option.</summary>
    public double Real(string name) => (double)Get(name)!;

    /// <summary>An integer option.</summary>
    public long Integer(string name) => (long)Get(name)!;

    /// <summary>An integer option that may be unset.</summary>
    public long? OptionalInteger(string name) => (long?)Get(name);

    /// <summary>A boolean option.</summary>
    public bool Boolean(string name) => (bool)Get(name)!;

    /// <summary>A real-vector option that may be unset.</summary>
    public double[]? RealVector(string name) => (double[]?)Get(name);

    /// <summary>A choice option.</summary>
    public string Choice(string name) => (string)Get(name)!;

    /// <summary>The reduction option.</summary>
    public nn.Reduction Reduction => Choice("reduction") switch
    {
        "none" => nn.Reduction.None,
        "sum" => nn.Reduction.Sum,
        _ => nn.Reduction.Mean,
    };

    object? Get(string name) => values.TryGetValue(name, out var v)
        ? v
        : throw new InvalidOperationException($"Loss '{LossName}' has no option '{name}' (a bug in its factory, not in the user's options).");
}
