namespace Harness.Metrics.Calibration;

/// <summary>
/// How well predicted probabilities match observed frequencies (Guo et al. 2017; Kull et al. 2019 for classwise ECE).
/// Every scalar is NaN when no samples were added or a logit was not finite.
/// </summary>
/// <param name="Nll">Mean negative log-likelihood of the label under softmax(logits).</param>
/// <param name="Brier">Mean over samples of sum_k (p_k - y_k)^2, in [0, 2].</param>
/// <param name="Ece">Expected calibration error over <see cref="ConfidenceBins.Count"/> equal-width top-label confidence bins.</param>
/// <param name="AdaptiveEce">Expected calibration error over up to <see cref="ConfidenceBins.Count"/> equal-mass top-label confidence bins.</param>
/// <param name="ClasswiseEce">Per class, the equal-width-bin calibration error of that class's probability; averaged over classes.</param>
/// <param name="Reliability">The equal-width top-label bins that <paramref name="Ece"/> sums over, lowest first.</param>
/// <param name="Count">Samples added.</param>
public sealed record CalibrationMetrics(
    double Nll, double Brier, double Ece, double AdaptiveEce, double ClasswiseEce,
    IReadOnlyList<ReliabilityBin> Reliability, int Count);
