using CustomLosses;
using CustomLosses.Catalog;
using static Harness.Validation.Checks.Binary.BinaryCheckMath;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.Binary;

/// <summary>Multi-label margin against <c>multi_label_margin_loss</c> and PyTorch's loop definition.</summary>
public sealed class MultiLabelMarginCheck : LossCheck
{
    public override string LossName => "multilabel-margin";

    /// <summary>Random target lists: per row a random number (0..C) of distinct classes, then -1 padding.</summary>
    static Tensor RandomTargets(Generator g, long n, long c)
    {
        using var keys = CaseInputs.Uniform(g, [n, c], 0, 1);
        using var order = keys.argsort(1);
        using var counts = randint(0, c + 1, [n], dtype: ScalarType.Int64, generator: g);
        var perm = order.data<long>().ToArray();
        var k = counts.data<long>().ToArray();
        var t = new long[n * c];
        for (long i = 0; i < n; i++)
            for (long j = 0; j < c; j++)
                t[i * c + j] = j < k[i] ? perm[i * c + j] : -1;
        return tensor(t, dtype: ScalarType.Int64).reshape(n, c);
    }

    static Tensor Targets(long[] values, params long[] shape) => tensor(values, dtype: ScalarType.Int64).reshape(shape);

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        foreach (long[] shape in new long[][] { [4, 5], [6, 3], [3, 8] })
            yield return new LossCase($"random {Format(shape)}", LossOptions.Empty,
                [CaseInputs.Normal(g, shape, 1.5), RandomTargets(g, shape[0], shape[1])]);
        yield return new LossCase("single sample [6]", LossOptions.Empty,
            [CaseInputs.Normal(g, [6], 1.5), Targets([3, 0, 5, -1, -1, -1], 6)]);
        yield return new LossCase("batch of one [1,4]", LossOptions.Empty,
            [CaseInputs.Normal(g, [1, 4], 1.5), Targets([2, -1, -1, -1], 1, 4)]);
        // Row 0: entries after the first -1 are ignored; row 1: a duplicated index counts twice;
        // row 2: no targets (loss 0); row 3: every class a target (loss 0).
        yield return new LossCase("padding, duplicates, empty and full rows [4,4]", LossOptions.Empty,
            [CaseInputs.Normal(g, [4, 4], 1.5),
             Targets([1, -1, 2, 3, /**/ 0, 0, 2, -1, /**/ -1, 1, 2, 3, /**/ 3, 1, 0, 2], 4, 4)], hard: true);
        yield return new LossCase("scores ±1000 [2,4]", LossOptions.Empty,
            [T([1000, -1000, 3, -2, -1000, 1000, 0.5, 1000], 2, 4), Targets([0, 2, -1, -1, 0, 3, -1, -1], 2, 4)], hard: true);
        // 1 - (x_j - x_k) = 0 exactly: PyTorch counts a term only when it is > 0 (no gradient at the hinge).
        yield return new LossCase("on the hinge (x_j - x_k = 1)", LossOptions.Empty,
            [T([2.0, 1.0, 0.5, 1.25], 4), Targets([0, -1, -1, -1], 4)], hard: true, smooth: false);
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        int classes = x[0].Dim(x[0].Rank - 1);
        int samples = x[0].Count / classes;
        var l = new double[samples];
        for (int n = 0; n < samples; n++)
        {
            int offset = n * classes;
            var isTarget = new bool[classes];
            int listed = 0;
            while (listed < classes && x[1][offset + listed] >= 0) isTarget[(int)x[1][offset + listed++]] = true;
            double s = 0;
            for (int j = 0; j < listed; j++)
            {
                double xt = x[0][offset + (int)x[1][offset + j]];
                for (int k = 0; k < classes; k++)
                    if (!isTarget[k]) s += Math.Max(0, 1 - (xt - x[0][offset + k]));
            }
            l[n] = s / classes;
        }
        if (r == nn.Reduction.Mean) return [l.Sum() / samples];
        return Reduce(l, r);
    }
}
