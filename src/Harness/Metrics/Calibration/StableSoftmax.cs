namespace Harness.Metrics.Calibration;

/// <summary>Softmax with the row maximum subtracted first, so logits like ±1e4 neither overflow nor give log(0).</summary>
static class StableSoftmax
{
    /// <summary>
    /// Writes softmax(<paramref name="scale"/> · row) into <paramref name="probabilities"/> and returns
    /// log Σ_k exp(scale · row_k); the log-probability of class k is then scale · row_k minus the returned value.
    /// </summary>
    public static double Apply(ReadOnlySpan<double> row, double scale, Span<double> probabilities)
    {
        var max = double.NegativeInfinity;
        foreach (var z in row) max = Math.Max(max, scale * z);
        double sum = 0;
        for (int k = 0; k < row.Length; k++)
        {
            probabilities[k] = Math.Exp(scale * row[k] - max);
            sum += probabilities[k];
        }
        for (int k = 0; k < row.Length; k++) probabilities[k] /= sum;
        return max + Math.Log(sum);
    }
}
