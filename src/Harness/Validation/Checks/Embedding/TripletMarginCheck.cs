using CustomLosses;
using CustomLosses.Catalog;
using Harness.Validation.Checks.Regression;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.Embedding;

/// <summary>Triplet margin against <c>triplet_margin_loss</c> and ||u - v + eps||_p distances.</summary>
public sealed class TripletMarginCheck : LossCheck
{
    public override string LossName => "triplet-margin";
    static Tensor[] Triplet(Generator g, long[] shape, double scale = 1.0) =>
        [CaseInputs.Normal(g, shape, scale), CaseInputs.Normal(g, shape, scale), CaseInputs.Normal(g, shape, scale)];

    public override IEnumerable<LossCase> Cases(Generator g)
    {
        foreach (var shape in new long[][] { [6, 4], [3, 8] })
            yield return new LossCase($"random [{string.Join(",", shape)}]", LossOptions.Empty, Triplet(g, shape));
        yield return new LossCase("random [6,4]", LossOptions.Of(("p", 1L)), Triplet(g, [6, 4]));
        yield return new LossCase("random [6,4]", LossOptions.Of(("p", 3L), ("margin", 2.0)), Triplet(g, [6, 4]));
        yield return new LossCase("random [6,4]", LossOptions.Of(("margin", 0.3), ("eps", 0.0)), Triplet(g, [6, 4]));
        yield return new LossCase("random [6,4]", LossOptions.Of(("swap", true), ("margin", 3.0)), Triplet(g, [6, 4]));
        yield return new LossCase("random [6,4]", LossOptions.Of(("swap", true), ("p", 1L), ("eps", 0.1)), Triplet(g, [6, 4]));
        yield return new LossCase("single triplet [5]", LossOptions.Of(("margin", 4.0)), Triplet(g, [5]));
        yield return new LossCase("batch of one [1,5]", LossOptions.Of(("margin", 4.0)), Triplet(g, [1, 5]));
        yield return new LossCase("embeddings of magnitude 1000", LossOptions.Of(("margin", 500.0), ("swap", true)), Triplet(g, [4, 3], 1000), hard: true);
        yield return new LossCase("embeddings of magnitude 1000", LossOptions.Of(("margin", 500.0), ("p", 3L)), Triplet(g, [4, 3], 1000), hard: true);
        // positive == anchor: d(a, p) = eps ||1||_p, a norm of a vector of 1e-6 entries (bends on the finite-difference scale).
        var anchor = CaseInputs.Normal(g, [3, 4]);
        Tensor[] first = [anchor, anchor.clone(), CaseInputs.Normal(g, [3, 4])];
        Tensor[] second = [anchor.clone(), anchor.clone(), CaseInputs.Normal(g, [3, 4])];
        yield return new LossCase("positive equals anchor", LossOptions.Of(("margin", 5.0)), first, hard: true, smooth: false);
        yield return new LossCase("positive equals anchor, eps 0", LossOptions.Of(("margin", 5.0), ("eps", 0.0), ("p", 1L)),
            second, hard: true, smooth: false);
    }

    public override double[] Reference(LossCase c, HostArray[] x, nn.Reduction r)
    {
        double margin = CaseOptionValues.Real(c, "margin", 1.0);
        long p = CaseOptionValues.Integer(c, "p", 2);
        double eps = CaseOptionValues.Real(c, "eps", 1e-6);
        bool swap = CaseOptionValues.Boolean(c, "swap", false);
        var (a, pos, neg) = (x[0], x[1], x[2]);
        int dim = (int)a.Shape[^1];
        int rows = a.Count / dim;
        var l = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            double dap = Distance(a, pos, i, dim, p, eps);
            double dan = Distance(a, neg, i, dim, p, eps);
            if (swap) dan = Math.Min(dan, Distance(pos, neg, i, dim, p, eps));
            l[i] = Math.Max(0.0, margin + dap - dan);
        }
        return Reduce(l, r);
    }

    static double Distance(HostArray u, HostArray v, int row, int dim, long p, double eps)
    {
        double sum = 0;
        for (int j = 0; j < dim; j++)
            sum += Math.Pow(Math.Abs(u[row * dim + j] - v[row * dim + j] + eps), p);
        return Math.Pow(sum, 1.0 / p);
    }
}
