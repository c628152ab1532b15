namespace Harness.Metrics.Calibration;

/// <summary>
/// Collects logits and labels chunk by chunk and computes NLL, Brier score, ECE, adaptive ECE, classwise ECE and the
/// reliability bins over all of them. Equal-mass and classwise bins need every sample at once, so the softmax
/// probabilities (n × C doubles) are kept until <see cref="Compute"/>; for n = 70,000 and C = 10 that is 5.6 MB.
/// </summary>
/// <remarks>
/// The top label is the first class with the largest probability, so a tied row (e.g. a binary head's [0, 0]) predicts
/// class 0. NLL comes from the log-softmax rather than log(p), which would be log(0) for a confidently wrong logit.
/// </remarks>
public sealed class CalibrationAccumulator
{
    readonly List<double> probabilities = [];
    readonly List<int> labels = [];
    int classes;
    double nllSum, brierSum;
    bool nonFinite;

    /// <summary>Samples added so far.</summary>
    public int Count => labels.Count;

    /// <summary>
    /// Adds <paramref name="labels"/>.Length samples: <paramref name="logits"/> is row-major [n, <paramref name="classes"/>]
    /// (a binary single-unit head as rows [0, z]) and each label is in [0, classes).
    /// </summary>
    /// <exception cref="ArgumentException">The shapes disagree, a label is out of range, or the class count differs from an earlier chunk.</exception>
    public void Add(ReadOnlySpan<double> logits, ReadOnlySpan<long> labels, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        if (this.classes != 0 && classes != this.classes)
            throw new ArgumentException($"{classes} classes after earlier chunks with {this.classes}.", nameof(classes));
        if (logits.Length != (long)labels.Length * classes)
            throw new ArgumentException($"{logits.Length} logits for {labels.Length} labels of {classes} classes.", nameof(logits));
        foreach (var label in labels)
            if (label < 0 || label >= classes)
                throw new ArgumentOutOfRangeException(nameof(labels), label, $"Labels must lie in [0, {classes}).");
        this.classes = classes;
        Span<double> buffer = classes <= 64 ? stackalloc double[classes] : new double[classes];
        for (int i = 0; i < labels.Length; i++)
        {
            var row = logits.Slice(i * classes, classes);
            var y = (int)labels[i];
            foreach (var z in row) nonFinite |= !double.IsFinite(z);
            var logSumExp = StableSoftmax.Apply(row, 1, buffer);
            nllSum += logSumExp - row[y];
            for (int k = 0; k < classes; k++)
            {
                var d = buffer[k] - (k == y ? 1 : 0);
                brierSum += d * d;
                probabilities.Add(buffer[k]);
            }
            this.labels.Add(y);
        }
    }

    /// <summary>
    /// The metrics over every sample added so far. With no samples, or after a non-finite logit (a diverged model has
    /// no calibration to speak of; logging NaN beats failing the run), the scalars are NaN and every bin is empty.
    /// </summary>
    public CalibrationMetrics Compute()
    {
        var n = Count;
        if (n == 0 || nonFinite)
            return new CalibrationMetrics(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, EmptyBins(), n);
        var confidence = new double[n];
        var correct = new bool[n];
        for (int i = 0; i < n; i++)
        {
            var top = 0;
            for (int k = 1; k < classes; k++)
                if (probabilities[i * classes + k] > probabilities[i * classes + top]) top = k;
            confidence[i] = probabilities[i * classes + top];
            correct[i] = top == labels[i];
        }
        var reliability = Reliability(confidence, correct);
        double ece = 0;
        foreach (var bin in reliability)
            if (bin.Count > 0) ece += (double)bin.Count / n * Math.Abs(bin.Accuracy - bin.MeanConfidence);
        return new CalibrationMetrics(nllSum / n, brierSum / n, ece, AdaptiveEce(confidence, correct), ClasswiseEce(), reliability, n);
    }

    static ReliabilityBin[] EmptyBins() =>
        Enumerable.Range(0, ConfidenceBins.Count)
            .Select(b => new ReliabilityBin(ConfidenceBins.Lower(b), ConfidenceBins.Upper(b), 0, double.NaN, double.NaN)).ToArray();

    static ReliabilityBin[] Reliability(double[] confidence, bool[] correct)
    {
        var count = new int[ConfidenceBins.Count];
        var confidenceSum = new double[ConfidenceBins.Count];
        var correctCount = new int[ConfidenceBins.Count];
        for (int i = 0; i < confidence.Length; i++)
        {
            var b = ConfidenceBins.Of(confidence[i]);
            count[b]++;
            confidenceSum[b] += confidence[i];
            if (correct[i]) correctCount[b]++;
        }
        return Enumerable.Range(0, ConfidenceBins.Count).Select(b => new ReliabilityBin(
            ConfidenceBins.Lower(b), ConfidenceBins.Upper(b), count[b],
            count[b] == 0 ? double.NaN : confidenceSum[b] / count[b],
            count[b] == 0 ? double.NaN : (double)correctCount[b] / count[b])).ToArray();
    }

    /// <summary>
    /// Equal-mass bins: samples sorted by confidence (ties keep the order they were added in, so the result does not
    /// depend on the sort algorithm) are cut into B = min(15, n) contiguous groups, group g holding sorted positions
    /// [⌊g·n/B⌋, ⌊(g+1)·n/B⌋); group sizes differ by at most one.
    /// </summary>
    static double AdaptiveEce(double[] confidence, bool[] correct)
    {
        var n = confidence.Length;
        var order = Enumerable.Range(0, n).OrderBy(i => confidence[i]).ToArray(); // OrderBy is stable
        var bins = Math.Min(ConfidenceBins.Count, n);
        double ece = 0;
        for (int g = 0; g < bins; g++)
        {
            int start = (int)((long)g * n / bins), end = (int)((long)(g + 1) * n / bins);
            double confidenceSum = 0;
            int correctCount = 0;
            for (int j = start; j < end; j++)
            {
                confidenceSum += confidence[order[j]];
                if (correct[order[j]]) correctCount++;
            }
            var size = end - start;
            ece += (double)size / n * Math.Abs((double)correctCount / size - confidenceSum / size);
        }
        return ece;
    }

    double ClasswiseEce()
    {
        var n = Count;
        double total = 0;
        var count = new int[ConfidenceBins.Count];
        var probabilitySum = new double[ConfidenceBins.Count];
        var labelCount = new int[ConfidenceBins.Count];
        for (int k = 0; k < classes; k++)
        {
            Array.Clear(count);
            Array.Clear(probabilitySum);
            Array.Clear(labelCount);
            for (int i = 0; i < n; i++)
            {
                var p = probabilities[i * classes + k];
                var b = ConfidenceBins.Of(p);
                count[b]++;
                probabilitySum[b] += p;
                if (labels[i] == k) labelCount[b]++;
            }
            for (int b = 0; b < ConfidenceBins.Count; b++)
                if (count[b] > 0) total += (double)count[b] / n * Math.Abs((double)labelCount[b] / count[b] - probabilitySum[b] / count[b]);
        }
        return total / classes;
    }
}
