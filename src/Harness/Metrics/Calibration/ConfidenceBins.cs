namespace Harness.Metrics.Calibration;

/// <summary>
/// The equal-width binning of a probability in [0, 1] that ECE, classwise ECE and the reliability diagram share.
/// Bin i covers (i/15, (i+1)/15]; a probability of exactly 0 goes to the first bin, so every value in [0, 1] has one bin.
/// </summary>
public static class ConfidenceBins
{
    /// <summary>Number of bins (15, as in Guo et al. 2017 and Mukhoti et al. 2020).</summary>
    public const int Count = 15;

    /// <summary>Exclusive lower edge of bin <paramref name="bin"/> (inclusive for bin 0, which also holds 0).</summary>
    public static double Lower(int bin) => (double)bin / Count;

    /// <summary>Inclusive upper edge of bin <paramref name="bin"/>.</summary>
    public static double Upper(int bin) => (double)(bin + 1) / Count;

    /// <summary>The bin of probability <paramref name="p"/>; values outside [0, 1] go to the nearest end bin.</summary>
    public static int Of(double p)
    {
        if (!(p > 0)) return 0;
        if (p >= 1) return Count - 1;
        // p * 15 can round across an edge (e.g. to 1.0000000000000002 for p = 1/15); the edges compared against here are
        // the same doubles that Lower and Upper report, so a bin never holds a value outside its own stated edges.
        var bin = Math.Clamp((int)Math.Ceiling(p * Count) - 1, 0, Count - 1);
        if (bin > 0 && p <= Lower(bin)) bin--;
        else if (bin < Count - 1 && p > Upper(bin)) bin++;
        return bin;
    }
}
