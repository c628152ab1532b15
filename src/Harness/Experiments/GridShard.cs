using System.Globalization;

namespace Harness.Experiments;

/// <summary>
/// One shard k of n of a grid (<c>--shard k/n</c>, 1 &lt;= k &lt;= n). The partition is fixed and documented:
/// the run at plan index i (seeds outer, losses inner) belongs to shard (i mod n) + 1, so shards get
/// near-equal numbers of runs and every shard's runs can be listed from the config alone.
/// </summary>
public sealed record GridShard(int Index, int Count)
{
    /// <summary>The whole grid (shard 1 of 1).</summary>
    public static GridShard All { get; } = new(1, 1);

    /// <summary>True when this is a proper part of the grid.</summary>
    public bool IsPartial => Count > 1;

    /// <summary>True when the run at plan index <paramref name="planIndex"/> belongs to this shard.</summary>
    public bool Contains(int planIndex) => planIndex % Count == Index - 1;

    /// <summary>Parses "k/n"; anything else is an error naming the valid form.</summary>
    public static GridShard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var k)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            && n >= 1 && k >= 1 && k <= n)
            return new GridShard(k, n);
        throw new ArgumentException($"--shard '{text}' is not valid: use k/n with 1 <= k <= n, for example --shard 2/4.");
    }

    /// <inheritdoc />
    public override string ToString() => $"{Index}/{Count}";
}
