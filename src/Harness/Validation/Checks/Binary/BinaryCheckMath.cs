using CustomLosses;
using static TorchSharp.torch;

namespace Harness.Validation.Checks.Binary;

/// <summary>Plain float64 helpers for the Binary group's reference formulas and case builders (no torch calls in the math).</summary>
internal static class BinaryCheckMath
{
    /// <summary>log(1 + x), accurate for small x (the classic u = 1 + x correction).</summary>
    public static double Log1p(double x)
    {
        double u = 1.0 + x;
        if (u == 1.0) return x;
        if (double.IsInfinity(u)) return Math.Log(u);
        return Math.Log(u) * x / (u - 1.0);
    }

    /// <summary>log σ(x) = min(x, 0) - log(1 + exp(-|x|)).</summary>
    public static double LogSigmoid(double x) => Math.Min(x, 0) - Log1p(Math.Exp(-Math.Abs(x)));

    /// <summary>softplus(z) = log(1 + exp(z)) = max(z, 0) + log(1 + exp(-|z|)).</summary>
    public static double Softplus(double z) => Math.Max(z, 0) + Log1p(Math.Exp(-Math.Abs(z)));

    /// <summary>σ(x) without overflow.</summary>
    public static double Sigmoid(double x) => x >= 0 ? 1.0 / (1.0 + Math.Exp(-x)) : Math.Exp(x) / (1.0 + Math.Exp(x));

    /// <summary>A vector option of a case, or null.</summary>
    public static double[]? Vector(LossCase c, string name) =>
        c.Options.Values.FirstOrDefault(kv => string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase)).Value as double[];

    /// <summary>A real option of a case, or its default.</summary>
    public static double Real(LossCase c, string name, double @default)
    {
        var v = c.Options.Values.FirstOrDefault(kv => string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
        return v switch { null => @default, double d => d, int i => i, long l => l, _ => Convert.ToDouble(v) };
    }

    /// <summary>Entry of a last-dimension vector for row-major element <paramref name="i"/> of an array shaped like <paramref name="x"/>.</summary>
    public static double LastDim(double[]? v, HostArray x, int i)
    {
        if (v is null) return 1.0;
        if (v.Length == 1) return v[0];
        int last = x.Rank == 0 ? 1 : x.Dim(x.Rank - 1);
        return v[i % last];
    }

    /// <summary>A float64 tensor with the given values and shape.</summary>
    public static Tensor T(double[] values, params long[] shape) => tensor(values, dtype: ScalarType.Float64).reshape(shape);

    public static string Format(long[] shape) => "[" + string.Join(",", shape) + "]";

    /// <summary>The built-in's option vector as a tensor like <paramref name="like"/>.</summary>
    public static Tensor? VectorTensor(LossCase c, string name, Tensor like) =>
        Vector(c, name) is double[] v ? tensor(v, dtype: like.dtype, device: like.device) : null;
}
