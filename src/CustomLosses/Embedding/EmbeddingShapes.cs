namespace CustomLosses.Embedding;

/// <summary>Shape checks shared by the pair and triplet losses.</summary>
internal static class EmbeddingShapes
{
    public static string Format(long[] shape) => "[" + string.Join(",", shape) + "]";

    /// <summary>True when the two shapes broadcast together (PyTorch's rules).</summary>
    public static bool Broadcastable(long[] a, long[] b)
    {
        for (int i = 1; i <= Math.Min(a.Length, b.Length); i++)
        {
            long x = a[^i], y = b[^i];
            if (x != y && x != 1 && y != 1) return false;
        }
        return true;
    }

    /// <summary>Throws a clear ArgumentException when two inputs do not broadcast.</summary>
    public static void RequireBroadcastable(string loss, string nameA, long[] a, string nameB, long[] b)
    {
        if (!Broadcastable(a, b))
            throw new ArgumentException($"{loss}: {nameA} has shape {Format(a)} and {nameB} has shape {Format(b)}, which do not match (or broadcast).");
    }
}
