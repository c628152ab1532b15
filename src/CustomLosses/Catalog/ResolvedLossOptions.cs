using static TorchSharp.torch;

namespace CustomLosses.Catalog;

/// <summary>
/// Option values after checking against a loss's specs: every declared option has a typed value
/// (the user's or the default). Loss factories read from this.
/// </summary>
public sealed class ResolvedLossOptions
{
    readonly LossSpec spec;
    readonly IReadOnlyDictionary<string, object?> values;

    internal ResolvedLossOptions(LossSpec spec, IReadOnlyDictionary<string, object?> values)
    {
        this.spec = spec;
        this.values = values;
    }

    /// <summary>The loss these options belong to.</summary>
    public string LossName => spec.Name;

    /// <summary>Every option and its value (defaults included), in declaration order.</summary>
    public IReadOnlyDictionary<string, object?> Values => values;

    /// <summary>
    /// These options for a task of <paramref name="classCount"/> classes: the check <see cref="LossRegistry.Resolve"/> makes
    /// when it is given the class count, for options resolved before the data was known (a CSV's classes). Returns them unchanged.
    /// </summary>
    /// <exception cref="LossOptionException">A per-class vector (a class weight) with another number of entries; the message names it.</exception>
    public ResolvedLossOptions ForClasses(int classCount)
    {
        foreach (var option in spec.AllOptions)
            if (LossRegistry.ClassCountMismatch(spec, option, values.GetValueOrDefault(option.Name), classCount) is { } mismatch) throw mismatch;
        return this;
    }

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
