using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace Harness.Validation.Properties;

/// <summary>
/// A loss treats the samples of a batch alike: permuting dimension 0 of every input permutes reduction none the same
/// way and leaves mean and sum unchanged (up to the rounding of another summation order). A loss that weights samples
/// by position, or mixes one sample's terms into another's, fails. It applies where every input has the same
/// dimension 0 of at least 2; it does not where an input has no batch dimension (a single sample [C] with a 0-d
/// target), and where a vector option of 1-D inputs lines up with dimension 0 (element weights would not move along).
/// </summary>
public static class BatchOrderProperty
{
    const ValidationCheckKind Kind = ValidationCheckKind.BatchOrder;

    /// <summary>Checks <paramref name="run"/> on a seeded permutation of its batch (never the identity).</summary>
    public static void Check(CaseRun run)
    {
        if (Reason(run) is { } reason)
        {
            run.Skipped(Kind, reason);
            return;
        }
        run.Applied(Kind);
        long n = run.Inputs[0].shape[0];
        var order = Permutation(n, run.Seed + run.Index);
        using var index = tensor(order, dtype: ScalarType.Int64, device: run.Device);
        var permuted = run.Inputs.Select(t => t.index_select(0, index)).ToArray();
        foreach (var reduction in run.Case.Reductions)
        {
            var (original, originalShape) = run.Values(run.Inputs, reduction);
            var (moved, movedShape) = run.Values(permuted, reduction);
            var name = reduction.ToString().ToLowerInvariant();
            if (!originalShape.SequenceEqual(movedShape))
            {
                run.Fail(Kind, reduction, $"{name} after permuting the batch", double.PositiveInfinity,
                    $"shape [{string.Join(",", originalShape)}] became [{string.Join(",", movedShape)}]");
                continue;
            }
            double magnitude = original.Sum(Math.Abs);
            if (reduction == nn.Reduction.None && originalShape.Length > 0 && originalShape[0] == n)
            {
                // Sample i of the permuted batch is sample order[i] of the original.
                int per = original.Length / (int)n;
                double worst = 0;
                int at = 0;
                for (int i = 0; i < original.Length; i++)
                {
                    var e = run.Tolerance.Error(moved[i], original[order[i / per] * per + i % per]);
                    if (e > worst) { worst = e; at = i; }
                }
                if (!run.Tolerance.Accepts(worst))
                    run.Fail(Kind, reduction, "none after permuting the batch vs none permuted", worst,
                        $"element {at} (sample {at / per}, originally {order[at / per]}): " +
                        $"permuted {moved[at]:R}, original {original[order[at / per] * per + at % per]:R}");
                continue;
            }
            if (original.Length != 1)
            {
                // A none result without the batch as dimension 0: only its total can be compared.
                var totalError = run.Tolerance.Error(moved.Sum(), original.Sum(), magnitude);
                if (!run.Tolerance.Accepts(totalError))
                    run.Fail(Kind, reduction, $"sum of {name} after permuting the batch", totalError, $"permuted {moved.Sum():R}, original {original.Sum():R}");
                continue;
            }
            var error = run.Tolerance.Error(moved[0], original[0], magnitude);
            if (!run.Tolerance.Accepts(error))
                run.Fail(Kind, reduction, $"{name} after permuting the batch", error, $"permuted {moved[0]:R}, original {original[0]:R}");
        }
    }

    static string? Reason(CaseRun run)
    {
        var shapes = run.Inputs.Select(t => t.shape).ToArray();
        if (shapes.Any(s => s.Length == 0)) return "an input has no batch dimension (a single sample)";
        long n = shapes[0][0];
        if (shapes.Any(s => s[0] != n)) return "the inputs' dimensions 0 differ (a single sample, or an input broadcast over the batch)";
        if (n < 2) return "a batch of one";
        if (shapes[0].Length == 1 && run.Spec?.Target is TargetEncoding.ClassIndex or TargetEncoding.ClassIndexOrProbabilities
                or TargetEncoding.Probabilities or TargetEncoding.ClassIndexList)
            return "a 1-D input is a single sample of class scores";
        if (shapes[0].Length == 1 && run.Case.Options.Values.Any(kv => kv.Value is double[] or Tensor))
            return "a vector option lines up with dimension 0 of a 1-D input";
        return null;
    }

    // A seeded shuffle; should it leave every sample in place, a rotation by one instead (so something always moves).
    static long[] Permutation(long n, long seed)
    {
        var random = new Random(unchecked((int)(seed ^ (seed >> 32))));
        var order = Enumerable.Range(0, (int)n).Select(i => (long)i).ToArray();
        random.Shuffle(order);
        if (order.Select((v, i) => v == i).All(same => same))
            order = Enumerable.Range(0, (int)n).Select(i => (long)((i + 1) % n)).ToArray();
        return order;
    }
}
