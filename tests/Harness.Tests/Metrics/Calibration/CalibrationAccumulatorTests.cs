using Harness.Metrics.Calibration;
using Xunit;

// Not Harness.Tests.Metrics: that namespace would hide Harness.Metrics from tests that write Metrics.EpochMetrics.
namespace Harness.Tests.Calibration;

/// <summary>
/// Calibration metrics against values worked out by hand on a few rows whose softmax is exact in simple fractions:
/// logits [ln a, ln b, ...] give probabilities a/(a+b+...). No confidence used here lies on a bin edge (a multiple of
/// 1/15), so the bin of each one is unambiguous: 0.05 → bin 0, 0.1 → 1, 0.25 → 3, 0.5 → 7, 0.7 → 10, 0.75 → 11, 0.9 → 13.
/// </summary>
public class CalibrationAccumulatorTests
{
    const double Tolerance = 1e-12;

    static readonly double Ln3 = Math.Log(3);

    /// <summary>
    /// Two classes: p = [0.75, 0.25] label 0 (right), [0.75, 0.25] label 1 (wrong), [0.1, 0.9] label 1 (right),
    /// [0.7, 0.3] label 1 (wrong).
    /// </summary>
    static CalibrationMetrics Binary()
    {
        var acc = new CalibrationAccumulator();
        acc.Add([Ln3, 0, Ln3, 0, 0, Math.Log(9), Math.Log(7.0 / 3), 0], [0, 1, 1, 1], 2);
        return acc.Compute();
    }

    /// <summary>
    /// Three classes: p = [0.5, 0.25, 0.25] label 0, [0.05, 0.25, 0.7] label 2, [0.25, 0.25, 0.5] label 1.
    /// </summary>
    static CalibrationMetrics ThreeClass()
    {
        var acc = new CalibrationAccumulator();
        acc.Add([Math.Log(2), 0, 0, 0, Math.Log(5), Math.Log(14), 0, 0, Math.Log(2)], [0, 2, 1], 3);
        return acc.Compute();
    }

    [Fact]
    public void NllIsTheMeanNegativeLogProbabilityOfTheLabel()
    {
        var expected = (-Math.Log(0.75) - Math.Log(0.25) - Math.Log(0.9) - Math.Log(0.3)) / 4;
        Assert.Equal(expected, Binary().Nll, Tolerance);
    }

    [Fact]
    public void BrierSumsTheSquaredErrorOverEveryClass()
    {
        // Per row: 2·0.25², 2·0.75², 2·0.1², 2·0.7².
        var expected = (0.125 + 1.125 + 0.02 + 0.98) / 4;
        Assert.Equal(expected, Binary().Brier, Tolerance);
        // Three classes: 0.25 + 0.0625 + 0.0625, 0.0025 + 0.0625 + 0.09, 0.0625 + 0.5625 + 0.25.
        Assert.Equal((0.375 + 0.155 + 0.875) / 3, ThreeClass().Brier, Tolerance);
    }

    [Fact]
    public void EceWeighsEachBinsGapByItsShareOfSamples()
    {
        // Bin 11: two rows at 0.75, one right: gap 0.25, weight 2/4. Bin 13: 0.9, right: gap 0.1, weight 1/4.
        // Bin 10: 0.7, wrong: gap 0.7, weight 1/4.
        var expected = 0.5 * 0.25 + 0.25 * 0.1 + 0.25 * 0.7;
        Assert.Equal(expected, Binary().Ece, Tolerance);
    }

    [Fact]
    public void ReliabilityBinsHoldCountsConfidenceAndAccuracy()
    {
        var bins = Binary().Reliability;
        Assert.Equal(15, bins.Count);
        Assert.Equal((11 / 15.0, 12 / 15.0, 2, 0.5), (bins[11].Lower, bins[11].Upper, bins[11].Count, bins[11].Accuracy));
        Assert.Equal(0.75, bins[11].MeanConfidence, Tolerance);
        Assert.Equal(1, bins[13].Count);
        Assert.Equal(1.0, bins[13].Accuracy);
        Assert.Equal(1, bins[10].Count);
        Assert.Equal(0.0, bins[10].Accuracy);
        Assert.Equal(4, bins.Sum(b => b.Count));
        Assert.True(double.IsNaN(bins[0].MeanConfidence) && double.IsNaN(bins[0].Accuracy));
    }

    [Fact]
    public void AdaptiveEceWithFewerSamplesThanBinsGivesEachSampleItsOwnBin()
    {
        // Sorted: 0.7 wrong, 0.75 right, 0.75 wrong, 0.9 right; one sample per bin, each weighing 1/4.
        var expected = (0.7 + 0.25 + 0.75 + 0.1) / 4;
        Assert.Equal(expected, Binary().AdaptiveEce, Tolerance);
    }

    [Fact]
    public void AdaptiveEceSplitsSortedSamplesIntoEqualMassBins()
    {
        // 30 binary rows [0, z] with p1 = c_j = 0.55 + 0.02 j (j = 0..14), each c_j twice: once labelled 1 (right),
        // once 0 (wrong). All the right ones are added first, so only sorting by confidence pairs them up: 15 bins of
        // two rows each, accuracy 1/2, gap c_j − 1/2, weight 2/30. Sum: (15·0.05 + 0.02·105) / 15 = 0.19.
        var logits = new List<double>();
        var labels = new List<long>();
        foreach (var label in new long[] { 1, 0 })
            for (int j = 0; j < 15; j++)
            {
                var c = 0.55 + 0.02 * j;
                logits.AddRange([0, Math.Log(c / (1 - c))]);
                labels.Add(label);
            }
        var acc = new CalibrationAccumulator();
        acc.Add(logits.ToArray(), labels.ToArray(), 2);
        Assert.Equal(0.19, acc.Compute().AdaptiveEce, 1e-9);
    }

    [Fact]
    public void AdaptiveEceGivesTheLastBinTheExtraSampleWhenSixteenSplitIntoFifteen()
    {
        // Groups [⌊g·16/15⌋, ⌊(g+1)·16/15⌋): fourteen singletons, then the last two sorted rows together. The 15 rows
        // at 0.7 are right; the 16th row at 0.9 is wrong. Singletons: 14 · (1/16) · 0.3. Last bin: {0.7 right, 0.9 wrong}:
        // accuracy 1/2, confidence 0.8, gap 0.3, weight 2/16. Total 16 · 0.3 / 16 = 0.3; had the extra row gone to the
        // first bin instead, the 0.9 row would be alone: (15 · 0.3 + 0.9) / 16.
        var logits = new List<double>();
        var labels = new List<long>();
        for (int i = 0; i < 15; i++) { logits.AddRange([0, Math.Log(7.0 / 3)]); labels.Add(1); }
        logits.AddRange([0, Math.Log(9)]);
        labels.Add(0);
        var acc = new CalibrationAccumulator();
        acc.Add(logits.ToArray(), labels.ToArray(), 2);
        Assert.Equal(0.3, acc.Compute().AdaptiveEce, 1e-9);
    }

    [Fact]
    public void ClasswiseEceAveragesEachClasssBinnedGapOverClasses()
    {
        // Class 0, p0 = 0.5 (label 0), 0.05, 0.25, each alone in its bin: (0.5 + 0.05 + 0.25) / 3.
        // Class 1, p1 = 0.25 three times (one labelled 1), one bin: |1/3 − 0.25|.
        // Class 2, p2 = 0.25, 0.7 (label 2), 0.5, each alone: (0.25 + 0.3 + 0.5) / 3.
        var expected = ((0.5 + 0.05 + 0.25) / 3 + Math.Abs(1.0 / 3 - 0.25) + (0.25 + 0.3 + 0.5) / 3) / 3;
        Assert.Equal(expected, ThreeClass().ClasswiseEce, Tolerance);
        // Top-label ECE differs on the same rows: bin 7 holds 0.5 right and 0.5 wrong (gap 0); 0.7 right, gap 0.3, weight 1/3.
        Assert.Equal(0.1, ThreeClass().Ece, Tolerance);
    }

    [Fact]
    public void ChunkedAddsEqualOneAdd()
    {
        const int n = 600, classes = 4;
        var random = new Random(7);
        var logits = Enumerable.Range(0, n * classes).Select(_ => 4 * random.NextDouble() - 2).ToArray();
        var labels = Enumerable.Range(0, n).Select(_ => (long)random.Next(classes)).ToArray();
        var whole = new CalibrationAccumulator();
        whole.Add(logits, labels, classes);
        var chunked = new CalibrationAccumulator();
        for (int start = 0; start < n; start += 256)
        {
            var size = Math.Min(256, n - start);
            chunked.Add(logits.AsSpan(start * classes, size * classes), labels.AsSpan(start, size), classes);
        }
        var a = whole.Compute();
        var b = chunked.Compute();
        Assert.Equal(n, b.Count);
        Assert.Equal(a.Nll, b.Nll);
        Assert.Equal(a.Brier, b.Brier);
        Assert.Equal(a.Ece, b.Ece);
        Assert.Equal(a.AdaptiveEce, b.AdaptiveEce);
        Assert.Equal(a.ClasswiseEce, b.ClasswiseEce);
        Assert.Equal(a.Reliability, b.Reliability);
    }

    [Fact]
    public void HugeLogitsGiveAFiniteExactNll()
    {
        // softmax([1e4, −1e4]) is [1, 0] in doubles; a log of the probability would be −∞ for the wrong label, while the
        // log-softmax gives exactly 0 and −2e4.
        var acc = new CalibrationAccumulator();
        acc.Add([1e4, -1e4, 1e4, -1e4], [0, 1], 2);
        var m = acc.Compute();
        Assert.True(double.IsFinite(m.Nll));
        Assert.Equal(1e4, m.Nll, 1e-9);
        Assert.Equal(1.0, m.Brier, Tolerance); // 0 and 2
        Assert.Equal(0.5, m.Ece, Tolerance); // all at confidence 1, half right
    }

    [Fact]
    public void NoSamplesGiveNaNAndEmptyBins()
    {
        var m = new CalibrationAccumulator().Compute();
        Assert.Equal(0, m.Count);
        Assert.True(double.IsNaN(m.Nll) && double.IsNaN(m.Ece) && double.IsNaN(m.AdaptiveEce) && double.IsNaN(m.ClasswiseEce));
        Assert.Equal(15, m.Reliability.Count);
        Assert.All(m.Reliability, b => Assert.Equal(0, b.Count));
    }

    [Fact]
    public void ANonFiniteLogitGivesNaNRatherThanNumbersFromTheOtherRows()
    {
        var acc = new CalibrationAccumulator();
        acc.Add([Math.Log(3), 0, double.NaN, 0], [0, 1], 2);
        var m = acc.Compute();
        Assert.Equal(2, m.Count);
        Assert.True(double.IsNaN(m.Nll) && double.IsNaN(m.Brier) && double.IsNaN(m.Ece) && double.IsNaN(m.AdaptiveEce) && double.IsNaN(m.ClasswiseEce));
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var acc = new CalibrationAccumulator();
        Assert.Throws<ArgumentException>(() => acc.Add([0, 0, 0], [0, 1], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => acc.Add([0, 0], [2], 2));
        acc.Add([0, 0], [1], 2);
        Assert.Throws<ArgumentException>(() => acc.Add([0, 0, 0], [1], 3));
    }
}
