using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace CustomLosses;

/// <summary>
/// TorchSharp operations whose usual spelling makes a temporary <see cref="Scalar"/> inside TorchSharp (see
/// <see cref="CachedScalars"/>), spelled with kept scalars instead. Each makes the same libtorch calls, with the same
/// scalar values and scalar types (an integer stays an integer Scalar), as the spelling its summary names, so results
/// are bit-identical.
/// </summary>
internal static class KeptScalarOps
{
    /// <summary>
    /// <c>c - t</c> as TorchSharp's <c>operator -(double, Tensor)</c> computes it, <c>t.negative().add(c)</c>
    /// (alpha 1), with kept scalars.
    /// </summary>
    public static Tensor Minus(double c, Tensor t) => t.neg().add(CachedScalars.Of(c), CachedScalars.One);

    /// <summary><c>c - t</c> for an integer c (<c>1 - target</c>): an integer Scalar, as <c>operator -(int, Tensor)</c> passes.</summary>
    public static Tensor Minus(long c, Tensor t) => t.neg().add(CachedScalars.Of(c), CachedScalars.One);

    /// <summary>
    /// <c>torch.arange(stop, dtype, device)</c>, which TorchSharp forwards as <c>arange(0, stop, 1, ...)</c> with
    /// temporary integer scalars.
    /// </summary>
    public static Tensor Arange(long stop, ScalarType dtype, Device device) =>
        arange(CachedScalars.Of(0L), CachedScalars.Of(stop), CachedScalars.One, dtype, device);

    /// <summary>
    /// <c>nn.functional.softplus(x)</c> (beta 1, threshold 20). TorchSharp 0.107 has no public softplus that takes
    /// <see cref="Scalar"/>s: <c>Tensor.softplus(double, double)</c> converts both to temporaries and passes them to
    /// the private <c>Tensor.softplus1(Scalar, Scalar)</c>, which this calls with kept ones (the same native
    /// <c>THSTensor_softplus</c> call). The type initializer throws if a TorchSharp upgrade renames it.
    /// </summary>
    public static Tensor Softplus(Tensor x) => SoftplusWithScalars(x, CachedScalars.Of(1.0), CachedScalars.Of(20.0));

    static readonly Func<Tensor, Scalar, Scalar, Tensor> SoftplusWithScalars =
        typeof(Tensor).GetMethod("softplus1", BindingFlags.Instance | BindingFlags.NonPublic, [typeof(Scalar), typeof(Scalar)])
            ?.CreateDelegate<Func<Tensor, Scalar, Scalar, Tensor>>()
        ?? throw new MissingMethodException("TorchSharp.torch.Tensor.softplus1(Scalar, Scalar) is gone: see KeptScalarOps.Softplus.");
}
