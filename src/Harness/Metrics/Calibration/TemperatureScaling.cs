namespace Harness.Metrics.Calibration;

/// <summary>
/// Temperature scaling (Guo et al. 2017): the one T &gt; 0 for which softmax(logits / T) has the least mean NLL on a
/// held-out set. Dividing by T never changes a row's argmax, so accuracy stays the same.
/// </summary>
public static class TemperatureScaling
{
    /// <summary>Smallest temperature <see cref="Fit"/> returns.</summary>
    public const double MinTemperature = 0.05;

    /// <summary>Largest temperature <see cref="Fit"/> returns.</summary>
    public const double MaxTemperature = 20;

    /// <summary>
    /// The temperature in [<see cref="MinTemperature"/>, <see cref="MaxTemperature"/>] that minimizes the mean NLL of
    /// softmax(logits / T); 1 when there are no samples or every row's logits are all equal (no temperature changes
    /// anything). The bounds are hit when the optimum lies beyond them, e.g. T = 0.05 when every sample is already
    /// ranked right (NLL then keeps falling as T → 0).
    /// </summary>
    /// <param name="logits">Row-major [n, <paramref name="classes"/>].</param>
    /// <param name="labels">n labels in [0, classes).</param>
    /// <param name="classes">Columns per row, at least 2.</param>
    /// <exception cref="ArgumentException">The shapes disagree, a label is out of range, or a logit is not finite.</exception>
    public static double Fit(ReadOnlySpan<double> logits, ReadOnlySpan<long> labels, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        if (logits.Length != (long)labels.Length * classes)
            throw new ArgumentException($"{logits.Length} logits for {labels.Length} labels of {classes} classes.", nameof(logits));
        foreach (var label in labels)
            if (label < 0 || label >= classes)
                throw new ArgumentOutOfRangeException(nameof(labels), label, $"Labels must lie in [0, {classes}).");
        foreach (var z in logits)
            if (!double.IsFinite(z)) throw new ArgumentException("A logit is not finite.", nameof(logits));
        if (labels.IsEmpty) return 1;

        // Mean NLL as a function of β = 1/T is f(β) = mean(logsumexp(β z) − β z_y): convex, with f'(β) = mean(E_p[z] − z_y)
        // and f''(β) = mean(Var_p[z]) ≥ 0 under p = softmax(β z). So f' is nondecreasing and the minimum is where it
        // crosses zero: Newton's method on f', kept inside a sign-change bracket and bisecting whenever a Newton step
        // would leave it, converges from anywhere in the bracket.
        double lo = 1 / MaxTemperature, hi = 1 / MinTemperature;
        var (gradientLo, _) = Derivatives(logits, labels, classes, lo);
        var (gradientHi, _) = Derivatives(logits, labels, classes, hi);
        // f' is strictly increasing unless every row is flat (all its logits equal), where f' ≡ 0 and T does not matter.
        if (gradientLo == gradientHi) return 1;
        if (gradientLo >= 0) return MaxTemperature;
        if (gradientHi <= 0) return MinTemperature;
        var beta = 1.0; // the untouched logits, inside the bracket
        for (int iteration = 0; iteration < 200; iteration++)
        {
            var (gradient, curvature) = Derivatives(logits, labels, classes, beta);
            if (gradient == 0) break;
            if (gradient < 0) lo = beta; else hi = beta;
            var next = beta - gradient / curvature;
            if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
            var converged = Math.Abs(next - beta) <= 1e-12 * beta || hi - lo <= 1e-12 * beta;
            beta = next;
            if (converged) break;
        }
        return 1 / beta;
    }

    /// <summary>The logits divided by <paramref name="temperature"/>, as a new array.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="temperature"/> is not a positive finite number.</exception>
    public static double[] Apply(ReadOnlySpan<double> logits, double temperature)
    {
        if (!(temperature > 0 && double.IsFinite(temperature)))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature must be positive and finite.");
        var scaled = new double[logits.Length];
        for (int i = 0; i < logits.Length; i++) scaled[i] = logits[i] / temperature;
        return scaled;
    }

    /// <summary>f'(β) and f''(β) of the mean NLL at inverse temperature β.</summary>
    static (double Gradient, double Curvature) Derivatives(ReadOnlySpan<double> logits, ReadOnlySpan<long> labels, int classes, double beta)
    {
        Span<double> p = classes <= 64 ? stackalloc double[classes] : new double[classes];
        double gradient = 0, curvature = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            var row = logits.Slice(i * classes, classes);
            StableSoftmax.Apply(row, beta, p);
            double mean = 0;
            for (int k = 0; k < classes; k++) mean += p[k] * row[k];
            double variance = 0;
            // Σ p (z − mean)² rather than E[z²] − mean², which cancels badly for large logits.
            for (int k = 0; k < classes; k++) variance += p[k] * (row[k] - mean) * (row[k] - mean);
            gradient += mean - row[(int)labels[i]];
            curvature += variance;
        }
        return (gradient / labels.Length, curvature / labels.Length);
    }
}
