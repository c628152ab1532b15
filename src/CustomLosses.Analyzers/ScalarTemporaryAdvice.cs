using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace CustomLosses.Analyzers;

/// <summary>
/// What to write instead, for the messages of <see cref="ScalarTemporaryRules"/>: the kept-scalar spelling of the
/// TorchSharp members a loss is likely to use, a generic hint otherwise.
/// </summary>
/// <param name="keptScalarOps">Whether the analyzed code sees <c>CustomLosses.KeptScalarOps</c> (the library itself and
/// its tests); a project that uses the package gets the public spellings.</param>
internal sealed class ScalarTemporaryAdvice(bool keptScalarOps)
{
    /// <summary>The kept Scalar for the converted value: <c>CachedScalars.Of(0L)</c>, <c>CachedScalars.Of(eps)</c>.</summary>
    public static string ForConversion(IOperation operand)
    {
        var value = Unwrapped(operand);
        var text = Squeezed(value.Syntax);
        bool integral = value.Type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Int16
            or SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_UInt16 or SpecialType.System_UInt32;
        if (integral && value.ConstantValue is { HasValue: true, Value: { } constant })
            return $"CachedScalars.Of({Convert.ToInt64(constant, System.Globalization.CultureInfo.InvariantCulture)}L)";
        return integral ? $"CachedScalars.Of((long){text})" : $"CachedScalars.Of({text})";
    }

    /// <summary>What the member does without a temporary, by its name and parameters.</summary>
    public string ForHidden(IMethodSymbol m)
    {
        var ps = m.Parameters.Select(p => p.Type.Name).ToArray();
        bool tensorFirst = ps.Length > 0 && ps[0] == "Tensor", numeric = ps.Any(p => p is "Double" or "Single" or "Int32" or "Int64");
        return (m.Name, ps.Length) switch
        {
            ("op_Addition", 2) when ps.All(p => p is "Tensor" or "Scalar") => "a.add(b, CachedScalars.One) (a tensor or a CachedScalars value b)",
            ("op_Addition", 2) => "a.add(CachedScalars.Of(c), CachedScalars.One)",
            ("op_Subtraction", 2) when !tensorFirst => keptScalarOps
                ? "KeptScalarOps.Minus(c, t) (t.neg().add(CachedScalars.Of(c), CachedScalars.One), what TorchSharp's c - t does)"
                : "t.negative().add(CachedScalars.Of(c), CachedScalars.One) (what TorchSharp's c - t does)",
            ("op_Multiply" or "op_Subtraction" or "op_Modulus", 2) when numeric => "the operator with a CachedScalars.Of(c) operand",
            ("op_Division", 2) when tensorFirst => "t / CachedScalars.Of(c)",
            ("op_Division", 2) => "t.reciprocal().mul(CachedScalars.Of(c)) (what TorchSharp's c / t does)",
            ("add" or "add_", 1) => $"{m.Name}(x, CachedScalars.One)",
            ("add" or "add_", 2) when m.IsStatic => $"torch.{m.Name}(a, b, CachedScalars.One)",
            ("addcdiv" or "addcdiv_", 2) => $"{m.Name}(t1, t2, CachedScalars.One)",
            ("vector_norm", _) => "linalg.norm(x, ord, dims) (a double ord, converted in libtorch; same linalg_vector_norm for one dim) or x.norm(float)",
            ("square", _) => "x.pow(CachedScalars.Of(2L)) (what TorchSharp's square() does)",
            ("softplus", _) => keptScalarOps
                ? "KeptScalarOps.Softplus(x) (TorchSharp's softplus with kept beta and threshold)"
                : "a formula with kept scalars, such as x.clamp_min(CachedScalars.Of(0.0)).add(x.abs().neg().exp().log1p(), CachedScalars.One) "
                  + "(TorchSharp 0.107 has no public softplus that takes Scalars)",
            ("ToDouble" or "ToSingle" or "ToInt64" or "ToInt32" or "ToBoolean" or "op_Explicit", _) => "t.item<T>()",
            _ => "an overload that takes a Scalar, given a CachedScalars value",
        };
    }

    /// <summary>For an unkept <c>ToScalar()</c>.</summary>
    public const string ForUnkept = "a CachedScalars value, or keep it in a using declaration or a static field";

    /// <summary>The operand a conversion converts, without the implicit numeric conversion in front of it.</summary>
    public static IOperation Unwrapped(IOperation operand) => operand is IConversionOperation { IsImplicit: true } c ? c.Operand : operand;

    /// <summary><c>0 (int)</c>: the value as written and its type.</summary>
    public static string Described(IOperation operand)
    {
        var value = Unwrapped(operand);
        return $"{Squeezed(value.Syntax)} ({value.Type?.ToDisplayString() ?? "?"})";
    }

    /// <summary>Code on one line, runs of whitespace made one space, for messages.</summary>
    public static string Squeezed(SyntaxNode syntax) =>
        string.Join(" ", syntax.ToString().Split([' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
}
