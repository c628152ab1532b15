namespace Harness.Losses;

/// <summary>What is applied to the model's raw output before the loss sees it.</summary>
public enum OutputActivation
{
    /// <summary>Raw scores (logits, regression values).</summary>
    None,
    /// <summary>Element-wise sigmoid (binary / multi-label probabilities).</summary>
    Sigmoid,
    /// <summary>Softmax over classes.</summary>
    Softmax,
    /// <summary>Log-softmax over classes.</summary>
    LogSoftmax,
}

/// <summary>The config spellings of <see cref="OutputActivation"/>.</summary>
public static class OutputActivations
{
    /// <summary>The config spellings, in enum order.</summary>
    public static readonly IReadOnlyList<string> Names = ["none", "sigmoid", "softmax", "log-softmax"];

    /// <summary>The activation a config value names (case-insensitive), or null.</summary>
    public static OutputActivation? Find(string? value)
    {
        var i = IndexOf(Names, value);
        return i < 0 ? null : (OutputActivation)i;
    }

    /// <summary>The config spelling.</summary>
    public static string Name(this OutputActivation a) => Names[(int)a];

    internal static int IndexOf(IReadOnlyList<string> names, string? value)
    {
        var key = value?.Trim();
        for (int i = 0; i < names.Count; i++)
            if (string.Equals(names[i], key, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }
}

/// <summary>How class-index (or real) targets are turned into what a loss expects.</summary>
public enum TargetEncodingKind
{
    /// <summary>int64 class index [N].</summary>
    Index,
    /// <summary>float one-hot [N, C].</summary>
    OneHot,
    /// <summary>float {-1, +1} [N] for two classes (class 1 is +1).</summary>
    PlusMinusOne,
    /// <summary>float {0, 1} [N] for two classes.</summary>
    ZeroOne,
    /// <summary>float real values [N] (regression).</summary>
    Real,
    /// <summary>int64 [N, C]: the class index, then -1 padding (MultiLabelMargin).</summary>
    IndexList,
}

/// <summary>The config spellings of <see cref="TargetEncodingKind"/>.</summary>
public static class TargetEncodings
{
    /// <summary>The config spellings, in enum order.</summary>
    public static readonly IReadOnlyList<string> Names = ["index", "one-hot", "plus-minus-one", "zero-one", "real", "index-list"];

    /// <summary>The encoding a config value names (case-insensitive), or null.</summary>
    public static TargetEncodingKind? Find(string? value)
    {
        var i = OutputActivations.IndexOf(Names, value);
        return i < 0 ? null : (TargetEncodingKind)i;
    }

    /// <summary>The config spelling.</summary>
    public static string Name(this TargetEncodingKind e) => Names[(int)e];

    /// <summary>True when the model has a single output unit under this encoding.</summary>
    public static bool IsSingleOutput(this TargetEncodingKind e) => e is TargetEncodingKind.PlusMinusOne or TargetEncodingKind.ZeroOne;
}
