namespace Harness.Metrics.Calibration;

/// <summary>One equal-width bin of top-label confidence: a bar of a reliability diagram.</summary>
/// <param name="Lower">Exclusive lower edge (the first bin also holds confidence exactly 0).</param>
/// <param name="Upper">Inclusive upper edge.</param>
/// <param name="Count">Samples whose top-label confidence falls in the bin.</param>
/// <param name="MeanConfidence">Mean top-label confidence of those samples; NaN when the bin is empty.</param>
/// <param name="Accuracy">Fraction of those samples whose top label is right; NaN when the bin is empty.</param>
public sealed record ReliabilityBin(double Lower, double Upper, int Count, double MeanConfidence, double Accuracy);
