using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.Binary;

/// <summary>Shape, value and option checks shared by the binary and multi-label losses.</summary>
internal static class BinaryInputs
{
    public static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";

    /// <summary>Throws unless input and target have exactly the same shape (PyTorch's rule for these losses).</summary>
    public static void SameShape(string loss, Tensor input, Tensor target)
    {
        if (!TensorShape.Same(input, target))
            throw new ArgumentException(
                $"{loss}: target has shape {Shape(target)} but input has shape {Shape(input)}; they must be the same.");
    }

    /// <summary>Throws unless the input is a floating tensor.</summary>
    public static void Floating(string loss, string what, Tensor t)
    {
        if (!t.is_floating_point())
            throw new ArgumentException($"{loss}: {what} must be a floating-point tensor, got {t.dtype}.");
    }

    /// <summary>Throws unless every target value is exactly -1 or +1.</summary>
    public static void PlusMinusOne(string loss, Tensor target)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var bad = target.ne(S(1L)).logical_and(target.ne(S(-1L)));
        if (HostValue.Read<bool>(bad.any()))
        {
            var first = target.masked_select(bad)[0].to(ScalarType.Float64).item<double>();
            throw new ArgumentException(
                $"{loss}: target values must be -1 or +1 (got {OptionSpec.FormatValue(first)}); map 0/1 labels with 2*y - 1.");
        }
    }

    /// <summary>Throws unless every value lies in [0, 1] (NaN included in "not").</summary>
    public static void UnitInterval(string loss, string what, Tensor t, string hint)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var ok = t.ge(S(0L)).logical_and(t.le(S(1L)));
        if (!HostValue.Read<bool>(ok.all()))
        {
            var first = t.masked_select(ok.logical_not())[0].to(ScalarType.Float64).item<double>();
            throw new ArgumentException($"{loss}: every {what} value must lie in [0, 1], got {OptionSpec.FormatValue(first)}.{hint}");
        }
    }

    /// <summary>
    /// An optional option vector as a float64 CPU tensor kept out of any dispose scope (the module
    /// registers it as a buffer), after checking every entry.
    /// </summary>
    public static Tensor? OptionVector(string loss, string option, double[]? values, string validRange, Func<double, bool> isValid)
    {
        if (values is null) return null;
        if (values.Length == 0)
            throw new LossOptionException($"{loss}: {option} is empty; valid: {validRange}.");
        for (int i = 0; i < values.Length; i++)
            if (double.IsNaN(values[i]) || double.IsInfinity(values[i]) || !isValid(values[i]))
                throw new LossOptionException(
                    $"{loss}: {option}[{i}] = {OptionSpec.FormatValue(values[i])} is out of range; valid: {validRange}.");
        return tensor(values, dtype: ScalarType.Float64).DetachFromDisposeScope();
    }

    /// <summary>
    /// A per-label vector cast to the input's dtype and device, checked against the input's last
    /// dimension (one entry per label, or a single entry broadcast to all).
    /// </summary>
    public static Tensor LastDim(string loss, string option, Tensor vector, Tensor input)
    {
        long last = input.dim() == 0 ? 1 : input.size(-1);
        long n = vector.numel();
        if (n != last && n != 1)
            throw new ArgumentException(
                $"{loss}: {option} has {n} entries but the input's last dimension (labels) is {last}; give one entry per label.");
        var v = vector.to(input.dtype, input.device);
        return input.dim() == 0 ? v.reshape(Array.Empty<long>()) : v;
    }
}
