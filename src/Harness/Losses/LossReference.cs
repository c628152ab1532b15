using CustomLosses.Catalog;

namespace Harness.Losses;

/// <summary>
/// A loss as a config names it: a registry name (or alias), or <c>builtin:&lt;name&gt;</c> for libtorch's own twin.
/// Parsed once, here; everything else reads <see cref="Name"/> and <see cref="IsBuiltIn"/>.
/// </summary>
/// <param name="Name">The name after the prefix, trimmed: a registry name or an alias until <see cref="Canonical"/>.</param>
/// <param name="IsBuiltIn">True for <c>builtin:</c>: libtorch's twin instead of the custom loss.</param>
public readonly record struct LossReference(string Name, bool IsBuiltIn)
{
    /// <summary>The prefix that selects libtorch's twin of a registry loss.</summary>
    public const string BuiltInPrefix = "builtin:";

    /// <summary>Splits "builtin:huber" into (huber, true); other names into (name, false). Case-insensitive prefix.</summary>
    public static LossReference Parse(string? text)
    {
        var trimmed = (text ?? "").Trim();
        return trimmed.StartsWith(BuiltInPrefix, StringComparison.OrdinalIgnoreCase)
            ? new(trimmed[BuiltInPrefix.Length..].Trim(), true)
            : new(trimmed, false);
    }

    /// <summary>The registered loss the name stands for (aliases resolve), or null.</summary>
    public LossSpec? Spec => LossRegistry.Find(Name);

    /// <summary>The same reference with the registry's spelling of the name (unchanged when the name is unknown).</summary>
    public LossReference Canonical => Spec is { } spec ? this with { Name = spec.Name } : this;

    /// <summary>As a config writes it: "huber" or "builtin:huber".</summary>
    public override string ToString() => (IsBuiltIn ? BuiltInPrefix : "") + Name;
}
