namespace Harness.Data;

/// <summary>
/// Seeded, stratified row selection, used for the test split, the validation split and the Train/TestLimit
/// subsamples. Stratified means every class keeps (within one sample) its share, so small or imbalanced
/// datasets do not lose a class from a split by chance. Regression data is picked uniformly.
/// </summary>
internal static class Splitter
{
    /// <summary>
    /// Picks <paramref name="count"/> rows of <paramref name="table"/>: per-class quotas by largest remainder
    /// (ties to the lower class index), rows within a class drawn by a seeded shuffle. Both index lists are
    /// returned in ascending order so a split keeps the file's order (the trainer shuffles per epoch anyway).
    /// </summary>
    public static (int[] Picked, int[] Others) Pick(HostTable table, int count, Random rng)
    {
        int n = table.Count;
        if (count < 0 || count > n) throw new ArgumentOutOfRangeException(nameof(count), $"{count} of {n} rows.");
        var picked = new List<int>(count);
        if (table.Classes == null)
        {
            var order = Enumerable.Range(0, n).ToArray();
            SyntheticDatasets.Shuffle(rng, order);
            picked.AddRange(order.Take(count));
        }
        else
        {
            var byClass = Enumerable.Range(0, n).GroupBy(i => table.Classes[i]).OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray();
            var exact = byClass.Select(g => (double)count * g.Length / n).ToArray();
            var quota = exact.Select(e => (int)Math.Floor(e)).ToArray();
            int left = count - quota.Sum();
            foreach (var c in Enumerable.Range(0, byClass.Length).OrderByDescending(c => exact[c] - quota[c]).ThenBy(c => c).Take(left))
                quota[c]++;
            for (int c = 0; c < byClass.Length; c++)
            {
                SyntheticDatasets.Shuffle(rng, byClass[c]);
                picked.AddRange(byClass[c].Take(quota[c]));
            }
        }
        var pickedSet = new bool[n];
        foreach (var i in picked) pickedSet[i] = true;
        var pickedSorted = picked.Order().ToArray();
        var rest = Enumerable.Range(0, n).Where(i => !pickedSet[i]).ToArray();
        return (pickedSorted, rest);
    }

    /// <summary>Number of rows a fraction gives: rounded half away from zero.</summary>
    public static int Share(int n, double fraction) => (int)Math.Round(n * fraction, MidpointRounding.AwayFromZero);
}
