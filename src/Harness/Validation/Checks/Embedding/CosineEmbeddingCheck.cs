using CustomLosses;
using CustomLosses.Catalog;
using Harness.Validation.Checks.Regression;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.Embedding;

/// <summary>Cosine embedding against <c>cosine_embedding_loss</c> and the row-wise cosine formula (EPS = 1e-12f).</summary>
public sealed class CosineEmbeddingCheck : LossCheck
{
    public override string LossName => "cosine-embedding";

    /// <summary>y is a label: it selects a branch and gets no gradient.</summary>
    static readonly bool[] Pair = [true, true, false];

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        foreach (var (n, d) in new (long, long)[] { (6, 4), (3, 8) })
            yield return new LossCase($"random [{n},{d}]", LossOptions.Empty,
                [CaseInputs.Normal(g, [n, d]), CaseInputs.Normal(g, [n, d]), CaseInputs.PlusMinusOne(g, [n])], Pair);
        foreach (var margin in new[] { 0.5, -0.5, 1.0, -1.0 })
            yield return new LossCase("random [6,4]", LossOptions.Of(("margin", margin)),
                [CaseInputs.Normal(g, [6, 4]), CaseInputs.Normal(g, [6, 4]), CaseInputs.PlusMinusOne(g, [6])], Pair);
        yield return new LossCase("single pair [5], y = -1", LossOptions.Of(("margin", -0.2)),
            [CaseInputs.Normal(g, [5]), CaseInputs.Normal(g, [5]), tensor(-1.0, dtype: ScalarType.Float64)], Pair);
        yield return new LossCase("single pair [5], y = 1", LossOptions.Empty,
            [CaseInputs.Normal(g, [5]), CaseInputs.Normal(g, [5]), tensor(1.0, dtype: ScalarType.Float64)], Pair);
        yield return new LossCase("batch of one [1,5]", LossOptions.Empty,
            [CaseInputs.Normal(g, [1, 5]), CaseInputs.Normal(g, [1, 5]), tensor(new[] { -1.0 })], Pair);
        yield return new LossCase("embeddings of magnitude 1000", LossOptions.Of(("margin", 0.1)),
            [CaseInputs.Normal(g, [4, 3], 1000), CaseInputs.Normal(g, [4, 3], 1000), tensor(new[] { 1.0, -1.0, 1.0, -1.0 })], Pair, hard: true);
        yield return new LossCase("identical pairs", LossOptions.Of(("margin", 0.5)),
            [tensor(new[,] { { 1.0, 2.0, -0.5 }, { 0.3, -0.1, 4.0 } }), tensor(new[,] { { 1.0, 2.0, -0.5 }, { 0.3, -0.1, 4.0 } }), tensor(new[] { 1.0, -1.0 })],
            Pair, hard: true);
        // A zero vector: the 1e-12 terms keep cos = 0 finite, but the loss bends on a 1e-6 scale (no finite differences).
        yield return new LossCase("zero vector", LossOptions.Of(("margin", -0.5)),
            [tensor(new[,] { { 0.0, 0.0, 0.0 }, { 0.0, 0.0, 0.0 }, { 1.0, 2.0, 3.0 } }),
             tensor(new[,] { { 1.0, -1.0, 2.0 }, { 1.0, -1.0, 2.0 }, { 0.0, 0.0, 0.0 } }), tensor(new[] { 1.0, -1.0, -1.0 })],
            Pair, hard: true, smooth: false);
        // y outside {-1, 1} contributes 0, as in PyTorch.
        yield return new LossCase("y = 0 contributes nothing", LossOptions.Empty,
            [CaseInputs.Normal(g, [3, 4]), CaseInputs.Normal(g, [3, 4]), tensor(new[] { 1.0, 0.0, -1.0 })], Pair, hard: true);
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        // libtorch's EPSILON is a float constant: 1e-12f = 9.99999996e-13 as a double.
        const double eps = (double)1e-12f;
        double margin = CaseOptionValues.Real(c, "margin", 0.0);
        var (x1, x2, y) = (x[0], x[1], x[2]);
        int rows = x1.Rank == 1 ? 1 : x1.Dim(0);
        int dim = x1.Rank == 1 ? x1.Dim(0) : x1.Dim(1);
        var l = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            double prod = 0, m1 = 0, m2 = 0;
            for (int j = 0; j < dim; j++)
            {
                double a = x1[i * dim + j], b = x2[i * dim + j];
                prod += a * b;
                m1 += a * a;
                m2 += b * b;
            }
            double cos = prod / Math.Sqrt((m1 + eps) * (m2 + eps));
            l[i] = y[i] == 1 ? 1 - cos : y[i] == -1 ? Math.Max(0.0, cos - margin) : 0.0;
        }
        return Reduce(l, r);
    }
}
