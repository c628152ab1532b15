using CustomLosses;
using CustomLosses.Catalog;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.MultiClass;

/// <summary>
/// Cases and float64 reference helpers shared by the checks of the robust multi-class losses
/// (focal, gce, mae-prob, sce, poly1): logits [N, C] and int64 class indices [N].
/// The reference helpers are plain loops with their own log-sum-exp, expm1 and log1p (no torch calls).
/// </summary>
internal static class RobustMultiClass
{
    /// <summary>Shapes [N, C] of the random cases (at most 60 logits each, for finite differences).</summary>
    public static readonly (long N, long C)[] Shapes = [(4, 5), (8, 3), (3, 7), (6, 10)];

    /// <summary>Random normal logits times <paramref name="scale"/> and random class indices.</summary>
    public static Tensor[] Random(Generator g, long n, long c, double scale = 1.0) =>
        [CaseInputs.Normal(g, [n, c], scale), CaseInputs.ClassIndices(g, n, c)];

    /// <summary>
    /// Logits with one dominant class per row: normal logits, one entry set to +<paramref name="magnitude"/>
    /// (the target when <paramref name="targetDominant"/>, another class otherwise) and another to
    /// -<paramref name="magnitude"/>. C must be at least 3.
    /// </summary>
    public static Tensor[] Dominant(Generator g, long n, long c, double magnitude, bool targetDominant)
    {
        using var normal = CaseInputs.Normal(g, [n, c]);
        using var classes = CaseInputs.ClassIndices(g, n, c);
        var x = normal.data<double>().ToArray();
        var y = classes.data<long>().ToArray();
        for (int i = 0; i < n; i++)
        {
            long d = targetDominant ? y[i] : (y[i] + 1) % c;
            x[i * c + d] = magnitude;
            x[i * c + (d + 2) % c] = -magnitude;
        }
        return [tensor(x, [n, c], dtype: ScalarType.Float64), tensor(y, [n], dtype: ScalarType.Int64)];
    }

    /// <summary>
    /// The hard cases every robust loss gets, with the given options: one dominant class of magnitude
    /// 100 and 1000, being the target or not; a batch of one (ordinary and saturated).
    /// </summary>
    public static IEnumerable<LossCase> HardCases(Generator g, LossOptions options, string suffix = "")
    {
        foreach (var magnitude in new[] { 100.0, 1000.0 })
            foreach (var targetDominant in new[] { true, false })
                yield return new LossCase($"logits ±{magnitude:0} dominant {(targetDominant ? "target" : "other class")}{suffix}", options,
                    Dominant(g, 4, 5, magnitude, targetDominant), hard: true);
        yield return new LossCase($"batch of one{suffix}", options, Random(g, 1, 6), hard: true);
        yield return new LossCase($"batch of one, logits ±1000 dominant target{suffix}", options, Dominant(g, 1, 4, 1000, true), hard: true);
    }

    /// <summary>Typed options of a case (defaults filled in), via the registry's checks.</summary>
    public static ResolvedLossOptions Options(string loss, LossCase c) => LossRegistry.Resolve(loss, c.Options);

    /// <summary>Row <paramref name="i"/> of <paramref name="x"/> ([N, C]) as log-softmax, by a stable log-sum-exp.</summary>
    public static double[] LogSoftmaxRow(HostArray x, int i)
    {
        int c = x.Dim(1);
        int k = 0;
        for (int j = 1; j < c; j++) if (x[i, j] > x[i, k]) k = j;
        double m = x[i, k];
        double rest = 0; // sum of exp(x_j - m) over j != argmax, so log(sum) = log1p(rest) keeps small terms.
        for (int j = 0; j < c; j++) if (j != k) rest += Math.Exp(x[i, j] - m);
        double logSum = Log1p(rest);
        var logp = new double[c];
        for (int j = 0; j < c; j++) logp[j] = (x[i, j] - m) - logSum;
        return logp;
    }

    /// <summary>Class index of sample <paramref name="i"/>.</summary>
    public static int Target(HostArray y, int i) => (int)y[i];

    /// <summary>exp(x) - 1, accurate near 0 (Kahan's trick; no reliance on double.ExpM1, which is exp(x) - 1).</summary>
    public static double Expm1(double x)
    {
        if (Math.Abs(x) < 1e-5) return x + x * x / 2 + x * x * x / 6;
        if (x > 700) return Math.Exp(x);
        double u = Math.Exp(x);
        if (u == 1.0) return x;
        double um1 = u - 1.0;
        if (um1 == -1.0) return -1.0;
        return um1 * x / Math.Log(u);
    }

    /// <summary>log(1 + x), accurate near 0 (Kahan's trick), for x &gt;= 0.</summary>
    public static double Log1p(double x)
    {
        double u = 1.0 + x;
        if (u == 1.0) return x;
        if (double.IsInfinity(u)) return Math.Log(x);
        return Math.Log(u) * x / (u - 1.0);
    }
}
