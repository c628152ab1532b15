using Xunit;

namespace CustomLosses.Tests.ScalarTemporaries;

/// <summary>
/// No code in src/CustomLosses hands TorchSharp a temporary Scalar (the cause of the masked_fill crash, see
/// <see cref="CachedScalars"/>): checked statically with Roslyn, so the answer does not depend on a garbage collection
/// happening to hit the race window. The analyzer itself is checked on planted code, both ways.
/// </summary>
public class ScalarTemporaryTests
{
    static readonly string Root = FindRoot();
    static readonly string Sources = Path.Combine(Root, "src", "CustomLosses");

    [Fact]
    public void CustomLosses_give_TorchSharp_no_temporary_scalars()
    {
        var files = ScalarTemporaryAnalyzer.SourcesUnder(Root, Sources);
        Assert.True(files.Count > 40, $"only {files.Count} source files under {Sources}");
        var compilation = ScalarTemporaryAnalyzer.Compile(files);
        var errors = ScalarTemporaryAnalyzer.Errors(compilation);
        Assert.True(errors.Count == 0, "src/CustomLosses does not compile in the analysis (so its semantic model is unreliable):\n" + string.Join("\n", errors.Take(20)));

        var findings = ScalarTemporaryAnalyzer.Analyze(compilation, HiddenScalarTemporaries.TorchSharp);
        Assert.True(findings.Count == 0,
            $"{findings.Count} place(s) in src/CustomLosses give TorchSharp a temporary Scalar, which a garbage collection on another " +
            "thread can free during the native call (libtorch then throws \"Expected false to be true\" or computes with garbage; " +
            "see src/CustomLosses/CachedScalars.cs). Pass a kept one instead:\n" + string.Join("\n", findings));
    }

    /// <summary>Planted code that must be flagged, with the rule that must flag it.</summary>
    public static TheoryData<string, string> Temporaries => new()
    {
        { "return x.add(1.5, CachedScalars.One);", ScalarTemporaryAnalyzer.ConversionRule },
        { "return x.masked_fill(m, 0);", ScalarTemporaryAnalyzer.ConversionRule },
        { "return y.ne(-100);", ScalarTemporaryAnalyzer.ConversionRule },
        { "return x.clamp_min(Eps);", ScalarTemporaryAnalyzer.ConversionRule },        // an option field
        { "return x.clamp_min(eps);", ScalarTemporaryAnalyzer.ConversionRule },        // a parameter
        { "return x.mul((Scalar)1.5);", ScalarTemporaryAnalyzer.ConversionRule },
        { "return full_like(x, 2.0);", ScalarTemporaryAnalyzer.ConversionRule },
        { "return a + b;", ScalarTemporaryAnalyzer.HiddenRule },
        { "return a.add(b);", ScalarTemporaryAnalyzer.HiddenRule },
        { "return a.add_(b);", ScalarTemporaryAnalyzer.HiddenRule },
        { "return x.add(CachedScalars.Of(1.5));", ScalarTemporaryAnalyzer.HiddenRule },   // kept value, temporary alpha
        { "return x + CachedScalars.Of(1.5);", ScalarTemporaryAnalyzer.HiddenRule },
        { "return x * 2.0;", ScalarTemporaryAnalyzer.HiddenRule },
        { "return 2.0 * x;", ScalarTemporaryAnalyzer.HiddenRule },
        { "return x - Eps;", ScalarTemporaryAnalyzer.HiddenRule },
        { "return 1 - x;", ScalarTemporaryAnalyzer.HiddenRule },
        { "return CachedScalars.Of(1.0) - x;", ScalarTemporaryAnalyzer.HiddenRule },      // right.negative().add(left)
        { "return 1 / x;", ScalarTemporaryAnalyzer.HiddenRule },
        { "return x.sum() / x.numel();", ScalarTemporaryAnalyzer.HiddenRule },
        { "return x.addcdiv(a, b);", ScalarTemporaryAnalyzer.HiddenRule },
        { "return linalg.vector_norm(x, 2.0, [-1]);", ScalarTemporaryAnalyzer.HiddenRule },
        { "return x.square();", ScalarTemporaryAnalyzer.HiddenRule },
        { "return nn.functional.softplus(x);", ScalarTemporaryAnalyzer.HiddenRule },
        { "var z = x.clone(); z += a; return z;", ScalarTemporaryAnalyzer.HiddenRule },
        { "Func<Tensor, Tensor, Tensor> f = torch.add; return f(a, b);", ScalarTemporaryAnalyzer.HiddenRule },
        { "return x.mul(CachedScalars.Of(x.sum().ToDouble()));", ScalarTemporaryAnalyzer.HiddenRule },
        { "return x.mul(1.5.ToScalar());", ScalarTemporaryAnalyzer.UnkeptRule },
        { "var s = x.sum().ToScalar(); return x.mul(s);", ScalarTemporaryAnalyzer.UnkeptRule },
        { "return Helper(x, () => x.add(2.5, CachedScalars.One));", ScalarTemporaryAnalyzer.ConversionRule },   // inside a lambda
        { "Term t = x; return (Tensor)t + a;", ScalarTemporaryAnalyzer.HiddenRule },       // two plain tensors: TorchSharp's +
        { "Term t = x; return t.Tensor * 2.0;", ScalarTemporaryAnalyzer.HiddenRule },      // a plain tensor times a number
    };

    [Theory]
    [MemberData(nameof(Temporaries))]
    public void A_planted_temporary_is_flagged(string body, string rule)
    {
        var findings = AnalyzePlanted(body);
        Assert.Contains(findings, f => f.Rule == rule && f.File == "Planted.cs");
        Assert.All(findings, f => Assert.Equal(PlantedLine, f.Line));   // file:line points at the planted statement
    }

    /// <summary>Planted code that hands TorchSharp only kept scalars (or none).</summary>
    public static TheoryData<string> KeptOnly => new()
    {
        "return x.add(CachedScalars.Of(1.5), CachedScalars.One);",
        "return x.mul(CachedScalars.Of(1.5));",
        "return a.add(b, CachedScalars.One);",
        "return a.add_(b, CachedScalars.One);",
        "return a - b;",
        "return a * b;",
        "return a / b;",
        "return x.neg();",
        "return x * CachedScalars.Of(2.0);",
        "return CachedScalars.Of(2.0) * x;",
        "return x - CachedScalars.Of(Eps);",
        "return x.neg().add(CachedScalars.Of(1.0), CachedScalars.One);",
        "return x.masked_fill(m, CachedScalars.Of(0.0));",
        "return y.ne(CachedScalars.Of(-100L));",
        "return x.clamp_min(CachedScalars.Of(Eps));",
        "return x.addcdiv(a, b, CachedScalars.One);",
        "return x.addcmul_(a, b, CachedScalars.Of(-1.0));",
        "return linalg.norm(x, 2.0, [-1]);",
        "return x.norm(1f);",
        "return x.pow(CachedScalars.Of(2L));",
        "return x.div_(CachedScalars.Of((double)x.numel()));",
        "return x.mul(Half);",                                                  // a static readonly Scalar
        "using var s = 1.5.ToScalar(); return x.mul(s);",
        "return where(m, x, zeros_like(x)).sum(1).logsumexp(0);",
        "return x.gather(1, y.unsqueeze(1)).scatter_(1, y.unsqueeze(1), zeros_like(x));",
        "return x.item<double>() > 0 ? x : a;",
        "return x[0];",
        // The formula helpers (Term.cs): operators and functions that pass kept scalars.
        "Term t = x; return t * 2.0 + a;",
        "Term t = x; return 1 - t / 3.0 - a;",
        "return a + KeptMath.T(b) * 0.5 + KeptMath.Log2;",
        "return KeptMath.ClampMin(KeptMath.Softplus(-2.0 * KeptMath.T(x)), 0L) + b;",
        "return KeptMath.Clamp(x, -1.0, 1.0).Tensor.where(KeptMath.T(x) <= 1.0, y.ne(KeptMath.S(-100L)));",
    };

    [Theory]
    [MemberData(nameof(KeptOnly))]
    public void Kept_scalars_are_not_flagged(string body)
    {
        var findings = AnalyzePlanted(body);
        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    [Fact]
    public void A_finding_names_the_file_line_expression_and_what_to_use()
    {
        var finding = Assert.Single(AnalyzePlanted("return x.masked_fill(m, 0);"));
        Assert.Equal($"Planted.cs:{PlantedLine}: [{ScalarTemporaryAnalyzer.ConversionRule}] 0 -- 0 (int) becomes a new Scalar each time " +
            "(Scalar.op_Implicit(int)); use CachedScalars.Of(0L)", finding.ToString());
        var sum = Assert.Single(AnalyzePlanted("return a + b;"));
        Assert.Contains("op_Addition(Tensor, Tensor) → Tensor.add(Tensor) → Scalar.op_Implicit(Int32)", sum.Why);
        Assert.Contains("a.add(b, CachedScalars.One)", sum.Instead);
    }

    [Fact]
    public void The_IL_scan_finds_TorchSharps_hidden_temporaries()
    {
        var scan = HiddenScalarTemporaries.TorchSharp;
        string[] hidden =
        [
            "TorchSharp.torch.Tensor.op_Addition(Tensor, Tensor)",
            "TorchSharp.torch.Tensor.op_Addition(Tensor, Scalar)",
            "TorchSharp.torch.Tensor.op_Subtraction(Scalar, Tensor)",
            "TorchSharp.torch.Tensor.op_Subtraction(Double, Tensor)",
            "TorchSharp.torch.Tensor.op_Multiply(Tensor, Double)",
            "TorchSharp.torch.Tensor.op_Division(Tensor, Int64)",
            "TorchSharp.torch.Tensor.add(Tensor)",
            "TorchSharp.torch.Tensor.add_(Tensor)",
            "TorchSharp.torch.Tensor.add(Scalar)",
            "TorchSharp.torch.Tensor.add_(Scalar)",
            "TorchSharp.torch.Tensor.addcdiv(Tensor, Tensor)",
            "TorchSharp.torch.Tensor.addcdiv_(Tensor, Tensor)",
            "TorchSharp.torch.Tensor.square()",
            "TorchSharp.torch.linalg.vector_norm(Tensor, Double, Int64[], Boolean)",
            "TorchSharp.torch.nn.functional.softplus(Tensor, Double, Double)",
            "TorchSharp.TensorExtensionMethods.ToDouble(Tensor)",
        ];
        string[] safe =
        [
            "TorchSharp.torch.Tensor.add(Tensor, Scalar)",
            "TorchSharp.torch.Tensor.add_(Tensor, Scalar)",
            "TorchSharp.torch.Tensor.add(Scalar, Scalar)",
            "TorchSharp.torch.Tensor.op_Subtraction(Tensor, Tensor)",
            "TorchSharp.torch.Tensor.op_Multiply(Tensor, Tensor)",
            "TorchSharp.torch.Tensor.op_Multiply(Tensor, Scalar)",
            "TorchSharp.torch.Tensor.op_Multiply(Scalar, Tensor)",
            "TorchSharp.torch.Tensor.sub(Scalar)",
            "TorchSharp.torch.Tensor.mul(Scalar)",
            "TorchSharp.torch.Tensor.masked_fill(Tensor, Scalar)",
            "TorchSharp.torch.Tensor.norm(Single)",
            "TorchSharp.torch.Tensor.pow(Scalar)",
            "TorchSharp.torch.Tensor.addcdiv(Tensor, Tensor, Scalar)",
            "TorchSharp.torch.Tensor.addcmul_(Tensor, Tensor, Scalar)",
            "TorchSharp.torch.linalg.norm(Tensor, Double, Int64[], Boolean)",
            "TorchSharp.torch.nn.functional.hardshrink(Tensor, Double)",        // using var sc = (Scalar)lambda;
        ];
        Assert.All(hidden.Concat(safe), name => Assert.True(scan.Exists(name), $"no method {name} in TorchSharp.dll (renamed?)"));
        Assert.All(hidden, name => Assert.True(scan.Contains(name), $"the IL scan missed {name}"));
        Assert.All(safe, name => Assert.False(scan.Contains(name), $"the IL scan flags {name}, which makes no temporary"));
        // Every hand-listed exception is a real maker, so the list cannot go stale silently.
        Assert.Equal(HiddenScalarTemporaries.KeepsItsScalarsAlive.Order(), scan.KeptAlive.Order());
    }

    const int PlantedLine = 14;

    /// <summary>
    /// The body, compiled with the real CachedScalars.cs, KeptScalarOps.cs and Term.cs, as the only statement line of a
    /// method; its findings in Planted.cs.
    /// </summary>
    static IReadOnlyList<ScalarTemporaryFinding> AnalyzePlanted(string body)
    {
        var planted = $$"""
            using TorchSharp;
            using static TorchSharp.torch;

            namespace CustomLosses.Planted;

            internal sealed class Planted
            {
                const double Eps = 1e-6;
                static readonly Scalar Half = 0.5;

                static Tensor Helper(Tensor x, Func<Tensor> f) => f();

                static Tensor F(Tensor x, Tensor a, Tensor b, Tensor m, Tensor y, double eps)
                {   {{body}}
                }
            }
            """;
        Assert.Equal("{   " + body, planted.Split('\n')[PlantedLine - 1].Trim());
        var compilation = ScalarTemporaryAnalyzer.Compile(
        [
            ("Planted.cs", planted),
            ("src/CustomLosses/CachedScalars.cs", File.ReadAllText(Path.Combine(Sources, "CachedScalars.cs"))),
            ("src/CustomLosses/KeptScalarOps.cs", File.ReadAllText(Path.Combine(Sources, "KeptScalarOps.cs"))),
            ("src/CustomLosses/Term.cs", File.ReadAllText(Path.Combine(Sources, "Term.cs"))),
        ]);
        var errors = ScalarTemporaryAnalyzer.Errors(compilation);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        var all = ScalarTemporaryAnalyzer.Analyze(compilation, HiddenScalarTemporaries.TorchSharp);
        Assert.DoesNotContain(all, f => f.File != "Planted.cs");   // CachedScalars is exempt; KeptScalarOps and Term make none
        return all;
    }

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Harness.sln"))) return dir.FullName;
        throw new InvalidOperationException("Harness.sln not found above " + AppContext.BaseDirectory);
    }
}
