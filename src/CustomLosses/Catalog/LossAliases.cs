namespace CustomLosses.Catalog;

/// <summary>
/// Other names users bring for a registered loss: PyTorch's functional and module names (<c>cross_entropy</c>,
/// <c>CrossEntropyLoss</c>, <c>binary_cross_entropy_with_logits</c>) and the names the literature uses for ours
/// (<c>pinball</c> for quantile). Names are compared without case, '-', '_' or a trailing "loss", so PyTorch's module
/// names (<c>CrossEntropyLoss</c>, <c>SmoothL1Loss</c>) resolve too.
/// </summary>
public static class LossAliases
{
    /// <summary>Literature names of losses that have no PyTorch twin to take a name from.</summary>
    static readonly (string Alias, string Loss)[] Named =
    [
        ("pinball", "quantile"), ("generalized-cross-entropy", "gce"), ("symmetric-cross-entropy", "sce"),
        ("mean-absolute-error", "l1"), ("mean-squared-error", "mse"), ("multi-class-hinge", "multi-margin"),
    ];

    /// <summary>The registered loss a name stands for, or null.</summary>
    public static LossSpec? Resolve(string name, IReadOnlyList<LossSpec> specs)
    {
        var key = Normalize(name);
        if (key.Length == 0) return null;
        return specs.FirstOrDefault(s => Normalize(s.Name) == key)
            ?? specs.FirstOrDefault(s => PyTorchName(s) is { } fn && Normalize(fn) == key)
            ?? (Named.FirstOrDefault(n => Normalize(n.Alias) == key) is { Loss: { } target } ? specs.FirstOrDefault(s => s.Name == target) : null);
    }

    /// <summary>The aliases of a loss, for the catalogue: its PyTorch functional name and literature names.</summary>
    public static IEnumerable<string> Of(LossSpec spec)
    {
        if (PyTorchName(spec) is { } fn && Normalize(fn) != Normalize(spec.Name)) yield return fn;
        foreach (var (alias, target) in Named)
            if (target == spec.Name) yield return alias;
    }

    /// <summary>The function name of a PyTorch reference ("torch.nn.functional.huber_loss" gives "huber_loss").</summary>
    static string? PyTorchName(LossSpec spec) =>
        spec.Reference.StartsWith("torch", StringComparison.Ordinal) ? spec.Reference[(spec.Reference.LastIndexOf('.') + 1)..] : null;

    static string Normalize(string name)
    {
        var key = new string(name.Trim().ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray());
        return key.Length > 4 && key.EndsWith("loss", StringComparison.Ordinal) ? key[..^4] : key;
    }
}
