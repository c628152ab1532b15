using System.Globalization;

namespace Harness.Data;

/// <summary>
/// The deliberate corruptions loss studies need: label noise, class imbalance and regression outliers. They are
/// applied to the training split, and to the validation split only when the config asks (the test split stays clean so
/// it measures the true task), each with its own seeded generator, and every application is described with counts in the notes.
/// </summary>
internal static class Corruptions
{
    /// <summary>Label-noise kinds accepted in <see cref="CorruptionConfig.LabelNoiseKind"/>.</summary>
    public static readonly string[] NoiseKinds = ["symmetric", "class-dependent"];

    /// <summary>Throws a <see cref="DataException"/> for settings that make no sense for this task and class count.</summary>
    public static void Check(CorruptionConfig c, TaskKind task, int classCount, string dataset)
    {
        string Fmt(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
        if (!(c.LabelNoise >= 0 && c.LabelNoise < 1))
            throw new DataException($"{dataset}: corruption.labelNoise = {Fmt(c.LabelNoise)} is out of range; valid: [0, 1).");
        if (!NoiseKinds.Contains(c.LabelNoiseKind.Trim().ToLowerInvariant()))
            throw new DataException($"{dataset}: corruption.labelNoiseKind = \"{c.LabelNoiseKind}\" is not valid; valid: {string.Join(", ", NoiseKinds)}.");
        if (!(c.ImbalanceKeepFraction > 0 && c.ImbalanceKeepFraction <= 1))
            throw new DataException($"{dataset}: corruption.imbalanceKeepFraction = {Fmt(c.ImbalanceKeepFraction)} is out of range; valid: (0, 1].");
        if (!(c.OutlierFraction >= 0 && c.OutlierFraction < 1))
            throw new DataException($"{dataset}: corruption.outlierFraction = {Fmt(c.OutlierFraction)} is out of range; valid: [0, 1).");
        if (!(c.OutlierScale > 0) || !double.IsFinite(c.OutlierScale))
            throw new DataException($"{dataset}: corruption.outlierScale = {Fmt(c.OutlierScale)} is out of range; valid: > 0.");
        if (task == TaskKind.Regression)
        {
            if (c.LabelNoise > 0)
                throw new DataException($"{dataset}: corruption.labelNoise = {Fmt(c.LabelNoise)} needs class labels, but {dataset} is a regression dataset; " +
                                        "use corruption.outlierFraction to corrupt regression targets.");
            if (c.ImbalanceClasses.Count > 0)
                throw new DataException($"{dataset}: corruption.imbalanceClasses is set, but {dataset} is a regression dataset and has no classes; remove it.");
        }
        else
        {
            if (c.OutlierFraction > 0)
                throw new DataException($"{dataset}: corruption.outlierFraction = {Fmt(c.OutlierFraction)} applies to regression targets, " +
                                        $"but {dataset} is a classification dataset; use corruption.labelNoise for label corruption.");
            foreach (var k in c.ImbalanceClasses)
                if (k < 0 || k >= classCount)
                    throw new DataException($"{dataset}: corruption.imbalanceClasses contains class {k}, out of range; " +
                                            $"{dataset} has {classCount} classes, valid: 0..{classCount - 1}.");
        }
    }

    /// <summary>True when <paramref name="c"/> changes any data.</summary>
    public static bool Any(CorruptionConfig c) =>
        c.LabelNoise > 0 || c.OutlierFraction > 0 || (c.ImbalanceClasses.Count > 0 && c.ImbalanceKeepFraction < 1);

    /// <summary>Cuts each imbalanced class to the kept fraction (at least one sample where the class has any).</summary>
    public static HostTable Imbalance(HostTable split, CorruptionConfig c, Random rng, string splitName, List<string> notes)
    {
        if (c.ImbalanceClasses.Count == 0 || c.ImbalanceKeepFraction >= 1 || split.Classes == null) return split;
        var drop = new bool[split.Count];
        var parts = new List<string>();
        foreach (var k in c.ImbalanceClasses.Distinct().Order())
        {
            var members = Enumerable.Range(0, split.Count).Where(i => split.Classes[i] == k).ToArray();
            if (members.Length == 0) { parts.Add($"class {k}: 0 -> 0"); continue; }
            int keep = Math.Max(1, Splitter.Share(members.Length, c.ImbalanceKeepFraction));
            SyntheticDatasets.Shuffle(rng, members);
            foreach (var i in members.Skip(keep)) drop[i] = true;
            parts.Add($"class {k}: {members.Length} -> {keep}");
        }
        notes.Add($"{splitName}: imbalance, kept fraction {c.ImbalanceKeepFraction.ToString("G6", CultureInfo.InvariantCulture)} of the listed classes " +
                  $"({string.Join("; ", parts)}); {split.Count - drop.Count(d => d)} of {split.Count} samples remain");
        return split.Select(Enumerable.Range(0, split.Count).Where(i => !drop[i]).ToArray());
    }

    /// <summary>
    /// Replaces exactly round(rate * N) labels, chosen without replacement, by a different class: uniformly among
    /// the other classes (symmetric) or the next class c -> (c + 1) mod C (class-dependent). Every chosen label
    /// changes, so the realised noise rate is the configured one.
    /// </summary>
    public static HostTable LabelNoise(HostTable split, CorruptionConfig c, int classCount, Random rng, string splitName, List<string> notes)
    {
        if (c.LabelNoise <= 0 || split.Classes == null) return split;
        bool symmetric = c.LabelNoiseKind.Trim().ToLowerInvariant() == "symmetric";
        int flips = Splitter.Share(split.Count, c.LabelNoise);
        var order = Enumerable.Range(0, split.Count).ToArray();
        SyntheticDatasets.Shuffle(rng, order);
        var labels = (long[])split.Classes.Clone();
        foreach (var i in order.Take(flips))
        {
            long old = labels[i];
            if (symmetric)
            {
                long other = rng.Next(classCount - 1); // 0..C-2, then skip the true class
                labels[i] = other >= old ? other + 1 : other;
            }
            else labels[i] = (old + 1) % classCount;
        }
        notes.Add($"{splitName}: label noise {(symmetric ? "symmetric" : "class-dependent (c -> c+1 mod C)")} rate " +
                  $"{c.LabelNoise.ToString("G6", CultureInfo.InvariantCulture)}: {flips} of {split.Count} labels changed");
        return split.WithTargets(labels, null);
    }

    /// <summary>
    /// Replaces exactly round(fraction * N) targets, chosen without replacement, by target + scale * std * (+-1).
    /// Called on standardized targets, where the training std is 1, so the shift is scale training stds.
    /// </summary>
    public static HostTable Outliers(HostTable split, CorruptionConfig c, double std, Random rng, string splitName, List<string> notes)
    {
        if (c.OutlierFraction <= 0 || split.Values == null) return split;
        int count = Splitter.Share(split.Count, c.OutlierFraction);
        var order = Enumerable.Range(0, split.Count).ToArray();
        SyntheticDatasets.Shuffle(rng, order);
        var values = (double[])split.Values.Clone();
        foreach (var i in order.Take(count))
            values[i] += c.OutlierScale * std * (rng.Next(2) == 0 ? -1 : 1);
        notes.Add($"{splitName}: outliers, {count} of {split.Count} targets shifted by +-{c.OutlierScale.ToString("G6", CultureInfo.InvariantCulture)} " +
                  "training target std");
        return split.WithTargets(null, values);
    }
}
