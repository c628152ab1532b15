using Harness.Metrics.Calibration;
using Xunit;

// Not Harness.Tests.Metrics: that namespace would hide Harness.Metrics from tests that write Metrics.EpochMetrics.
namespace Harness.Tests.Calibration;

/// <summary>
/// Temperature scaling: an exact optimum worked out by hand, and synthetic sets whose labels are drawn from the
/// softmax of their own logits (so T = 1 is the population optimum, and T = 3 once the logits are tripled).
/// </summary>
public class TemperatureScalingTests
{
    /// <summary>
    /// n rows of <paramref name="classes"/> logits ~ N(0, 2²), labels drawn from their softmax, logits then multiplied by
    /// <paramref name="scale"/>.
    /// </summary>
    static (double[] Logits, long[] Labels) Calibrated(int n, int classes, double scale, int seed)
    {
        var random = new Random(seed);
        var logits = new double[n * classes];
        var labels = new long[n];
        var p = new double[classes];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < classes; k++)
            {
                // Box-Muller.
                var u = 1 - random.NextDouble();
                logits[i * classes + k] = 2 * Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble());
            }
            var max = logits.AsSpan(i * classes, classes).ToArray().Max();
            double sum = 0;
            for (int k = 0; k < classes; k++) sum += p[k] = Math.Exp(logits[i * classes + k] - max);
            var draw = random.NextDouble() * sum;
            var label = classes - 1;
            for (int k = 0; k < classes; k++)
                if ((draw -= p[k]) < 0) { label = k; break; }
            labels[i] = label;
            for (int k = 0; k < classes; k++) logits[i * classes + k] *= scale;
        }
        return (logits, labels);
    }

    static double Nll(double[] logits, long[] labels, int classes)
    {
        var acc = new CalibrationAccumulator();
        acc.Add(logits, labels, classes);
        return acc.Compute().Nll;
    }

    static int[] Argmax(double[] logits, int classes) =>
        Enumerable.Range(0, logits.Length / classes)
            .Select(i => logits.AsSpan(i * classes, classes).IndexOf(logits.AsSpan(i * classes, classes).ToArray().Max())).ToArray();

    [Fact]
    public void ExactOptimumOfAFourSampleBinarySet()
    {
        // Rows [0, 3 ln 3], three labelled 1 and one 0: the NLL of p1 is minimized at p1 = 3/4, i.e. at
        // logit / T = ln 3, so T = 3 exactly.
        var z = 3 * Math.Log(3);
        Assert.Equal(3, TemperatureScaling.Fit([0, z, 0, z, 0, z, 0, z], [1, 1, 1, 0], 2), 1e-9);
        // Three of four right at p1 = 3/4 is already calibrated.
        Assert.Equal(1, TemperatureScaling.Fit([0, Math.Log(3), 0, Math.Log(3), 0, Math.Log(3), 0, Math.Log(3)], [1, 0, 1, 1], 2), 1e-9);
    }

    [Fact]
    public void OverconfidentLogitsGetATemperatureNearThreeThatLowersNllAndKeepsEveryArgmax()
    {
        const int classes = 3;
        var (logits, labels) = Calibrated(20_000, classes, scale: 3, seed: 11);
        var t = TemperatureScaling.Fit(logits, labels, classes);
        Assert.InRange(t, 2.85, 3.15);
        var scaled = TemperatureScaling.Apply(logits, t);
        Assert.True(Nll(scaled, labels, classes) < Nll(logits, labels, classes) - 0.1);
        Assert.Equal(Argmax(logits, classes), Argmax(scaled, classes));
    }

    [Fact]
    public void CalibratedLogitsGetATemperatureNearOne()
    {
        var (logits, labels) = Calibrated(20_000, 4, scale: 1, seed: 5);
        Assert.InRange(TemperatureScaling.Fit(logits, labels, 4), 0.95, 1.05);
    }

    [Fact]
    public void DegenerateInputsGiveOneOrABound()
    {
        Assert.Equal(1, TemperatureScaling.Fit([], [], 2));
        Assert.Equal(1, TemperatureScaling.Fit([2, 2, 5, 5], [0, 1], 2)); // flat rows: no temperature changes anything
        // Every row ranked right: NLL keeps falling as T shrinks, down to the lower bound.
        Assert.Equal(TemperatureScaling.MinTemperature, TemperatureScaling.Fit([1, 0, 0, 1], [0, 1], 2));
        // Every row ranked wrong: NLL keeps falling as T grows.
        Assert.Equal(TemperatureScaling.MaxTemperature, TemperatureScaling.Fit([1, 0, 0, 1], [1, 0], 2));
    }

    [Fact]
    public void ApplyDividesByTheTemperature()
    {
        Assert.Equal([1.0, -2.0, 0.5], TemperatureScaling.Apply([2, -4, 1], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => TemperatureScaling.Apply([1], 0));
    }
}
