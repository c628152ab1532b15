using CustomLosses.Analyzers;
using Microsoft.CodeAnalysis;
using Xunit;

namespace CustomLosses.Tests.ScalarTemporaries;

/// <summary>
/// No code in src/CustomLosses hands TorchSharp a temporary Scalar (the cause of the masked_fill crash, see
/// <see cref="CachedScalars"/>): checked statically by <see cref="ScalarTemporaryAnalyzer"/>, the analyzer the build and the
/// package run, so the answer does not depend on a garbage collection happening to hit the race window. The analyzer
/// itself is checked on planted code, both ways.
/// </summary>
public class ScalarTemporaryTests
{
    const string C = ScalarTemporaryRules.ConversionId, H = ScalarTemporaryRules.HiddenId, U = ScalarTemporaryRules.UnkeptId;

    static readonly string Root = FindRoot();
    static readonly string Sources = Path.Combine(Root, "src", "CustomLosses");

    [Fact]
    public void CustomLosses_give_TorchSharp_no_temporary_scalars()
    {
        var files = AnalyzedSources.SourcesUnder(Root, Sources);
        Assert.True(files.Count > 40, $"only {files.Count} source files under {Sources}");
        var compilation = AnalyzedSources.Compile(files);
        var errors = AnalyzedSources.Errors(compilation);
        Assert.True(errors.Count == 0,
            "src/CustomLosses does not compile in the analysis (so its semantic model is unreliable):\n" + string.Join("\n", errors.Take(20)));

        // CL0004 (info) is left out: error messages may format a shape.
        var findings = AnalyzedSources.Analyze(compilation).Where(d => d.Severity == DiagnosticSeverity.Warning).ToList();
        Assert.True(findings.Count == 0,
            $"{findings.Count} place(s) in src/CustomLosses give TorchSharp a temporary Scalar, which a garbage collection on another " +
            "thread can free during the native call (libtorch then throws \"Expected false to be true\" or computes with garbage; " +
            "see src/CustomLosses/CachedScalars.cs). Pass a kept one instead:\n" + string.Join("\n", findings.Select(AnalyzedSources.Describe)));
    }

    /// <summary>Planted code that must be flagged, with the rule that must flag it.</summary>
    public static TheoryData<string, string> Temporaries => new()
    {
        { "return x.add(1.5, CachedScalars.One);", C },
        { "return x.masked_fill(m, 0);", C },
        { "return y.ne(-100);", C },
        { "return x.clamp_min(Eps);", C },        // an option field
        { "return x.clamp_min(eps);", C },        // a parameter
        { "return x.mul((Scalar)1.5);", C },
        { "return full_like(x, 2.0);", C },
        { "return a + b;", H },
        { "return a.add(b);", H },
        { "return a.add_(b);", H },
        { "return x.add(CachedScalars.Of(1.5));", H },   // kept value, temporary alpha
        { "return x + CachedScalars.Of(1.5);", H },
        { "return x * 2.0;", H },
        { "return 2.0 * x;", H },
        { "return x - Eps;", H },
        { "return 1 - x;", H },
        { "return CachedScalars.Of(1.0) - x;", H },      // right.negative().add(left)
        { "return 1 / x;", H },
        { "return x.sum() / x.numel();", H },
        { "return x.addcdiv(a, b);", H },
        { "return linalg.vector_norm(x, 2.0, [-1]);", H },
        { "return x.square();", H },
        { "return nn.functional.softplus(x);", H },
        { "var z = x.clone(); z += a; return z;", H },
        { "Func<Tensor, Tensor, Tensor> f = torch.add; return f(a, b);", H },
        { "return x.mul(CachedScalars.Of(x.sum().ToDouble()));", H },
        { "return x.mul(1.5.ToScalar());", U },
        { "var s = x.sum().ToScalar(); return x.mul(s);", U },
        { "return Helper(x, () => x.add(2.5, CachedScalars.One));", C },   // inside a lambda
        { "Term t = x; return (Tensor)t + a;", H },       // two plain tensors: TorchSharp's +
        { "Term t = x; return t.Tensor * 2.0;", H },      // a plain tensor times a number
    };

    [Theory]
    [MemberData(nameof(Temporaries))]
    public void A_planted_temporary_is_flagged(string body, string rule)
    {
        var findings = AnalyzePlanted(body);
        Assert.Contains(findings, f => f.Id == rule && f.Location.SourceTree!.FilePath == "Planted.cs");
        Assert.All(findings, f => Assert.Equal(PlantedLine, f.Location.GetLineSpan().StartLinePosition.Line + 1));   // the planted statement
        Assert.All(findings, f => Assert.Equal(DiagnosticSeverity.Warning, f.Severity));
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
        var findings = AnalyzePlanted(body).Where(d => d.Severity == DiagnosticSeverity.Warning).ToList();
        Assert.True(findings.Count == 0, string.Join("\n", findings.Select(AnalyzedSources.Describe)));
    }

    [Fact]
    public void A_finding_names_the_expression_the_cause_and_what_to_use()
    {
        var finding = Assert.Single(AnalyzePlanted("return x.masked_fill(m, 0);"));
        Assert.Equal($"Planted.cs:{PlantedLine}: CL0001 0 (int) becomes a new Scalar on each call (Scalar.op_Implicit(int)), which a garbage " +
            "collection on another thread can finalize while libtorch reads it; pass a kept Scalar: CachedScalars.Of(0L)", AnalyzedSources.Describe(finding));
        Assert.Equal(ScalarTemporaryRules.HelpLink, finding.Descriptor.HelpLinkUri);
        var sum = Assert.Single(AnalyzePlanted("return a + b;"));
        var message = sum.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.StartsWith("a + b makes a temporary Scalar inside TorchSharp", message);
        Assert.Contains("op_Addition(Tensor, Tensor) → Tensor.add(Tensor) → Scalar.op_Implicit(Int32)", message);
        Assert.Contains("a.add(b, CachedScalars.One)", message);
        // The library's own code is pointed at its internal helper; KeptScalarOps is not visible to a package user (below).
        Assert.Contains("KeptScalarOps.Minus(c, t)",
            Assert.Single(AnalyzePlanted("return 1.0 - x;")).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_project_that_uses_the_package_is_told_the_public_spelling()
    {
        // A user's code: CustomLosses referenced as the compiled library (its internals invisible to this compilation).
        var user = """
            using CustomLosses;
            using TorchSharp;
            using static TorchSharp.torch;

            namespace User;

            public static class Code
            {
                public static Tensor F(Tensor x) => 1.0 - x;
                public static Tensor G(Tensor x) => x.mul(CachedScalars.Of(2.0));
            }
            """;
        var references = AnalyzedSources.ReferencesFrom(
            [typeof(TorchSharp.torch).Assembly.Location, typeof(CachedScalars).Assembly.Location], exclude: "CustomLosses.Tests");
        var compilation = AnalyzedSources.Compile([("User.cs", user)], references);
        Assert.Empty(AnalyzedSources.Errors(compilation));
        var finding = Assert.Single(AnalyzedSources.Analyze(compilation));
        Assert.Equal(H, finding.Id);
        var message = finding.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("t.negative().add(CachedScalars.Of(c), CachedScalars.One)", message);
        Assert.DoesNotContain("KeptScalarOps", message);
    }

    /// <summary>TorchSharp reads that leave a finalizable object (CL0004, info), and the spellings that leave none.</summary>
    public static TheoryData<string, bool> Reads => new()
    {
        { "var s = x.shape; return x;", true },
        { "return x.reshape(x.size());", true },
        { "return x.item<float>() > 0 ? x : a;", true },
        { "return x.dot(a);", true },
        { "return x.size(0) == a.size(0) && x.dim() == 1 ? x : a;", false },
        { "return HostValue.Read<float>(x) > 0 ? x : a;", false },
        { "return x.matmul(a);", false },
        { "return TensorShape.Same(x, a) ? x : a;", false },
    };

    [Theory]
    [MemberData(nameof(Reads))]
    public void A_read_that_leaves_a_finalizable_object_is_noted(string body, bool noted)
    {
        var findings = AnalyzePlanted(body, "src/CustomLosses/HostValue.cs", "src/CustomLosses/TensorShape.cs");
        var reads = findings.Where(d => d.Id == ScalarTemporaryRules.FinalizerPressureId).ToList();
        Assert.Equal(noted ? 1 : 0, reads.Count);
        Assert.All(reads, d => Assert.Equal(DiagnosticSeverity.Info, d.Severity));
    }

    [Fact]
    public void A_TorchSharp_without_a_readable_file_is_reported_not_silently_unchecked()
    {
        // TorchSharp as an in-memory image: the analyzer has no file to read the IL from, so CL0002 cannot be checked.
        var torchSharp = typeof(TorchSharp.torch).Assembly.Location;
        var references = AnalyzedSources.ReferencesFrom([], exclude: "TorchSharp")
            .Where(r => !Path.GetFileName(r.Display ?? "").StartsWith("CustomLosses", StringComparison.OrdinalIgnoreCase))
            .Append(MetadataReference.CreateFromImage(File.ReadAllBytes(torchSharp)))
            .ToList();
        var code = """
            using TorchSharp;
            using static TorchSharp.torch;

            public static class Code
            {
                public static Tensor F(Tensor a, Tensor b) => (a + b).masked_fill(a.gt(b), 0);
            }
            """;
        var compilation = AnalyzedSources.Compile([("Code.cs", code)], references);
        Assert.Empty(AnalyzedSources.Errors(compilation));
        var ids = AnalyzedSources.Analyze(compilation).Select(d => d.Id).ToList();
        Assert.Contains(ScalarTemporaryRules.UnreadableTorchSharpId, ids);
        Assert.Contains(C, ids);                       // the conversion rule needs no IL
        Assert.DoesNotContain(H, ids);                 // a + b is not known to be hidden without it
    }

    [Fact]
    public void Code_without_TorchSharp_is_not_analyzed()
    {
        var compilation = AnalyzedSources.Compile([("Plain.cs", "public static class Plain { public static double F(double x) => x * 2.0 + 1; }")],
            AnalyzedSources.ReferencesFrom([], exclude: "TorchSharp"));
        Assert.Empty(AnalyzedSources.Errors(compilation));
        Assert.Empty(AnalyzedSources.Analyze(compilation));
    }

    [Fact]
    public void The_IL_scan_finds_TorchSharps_hidden_temporaries()
    {
        var scan = AnalyzedSources.TorchSharpScan;
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
    /// The body, compiled with the real CachedScalars.cs, KeptScalarOps.cs and Term.cs (and <paramref name="more"/>
    /// library files), as the only statement line of a method; the analyzer's findings, all of them in Planted.cs.
    /// </summary>
    static IReadOnlyList<Diagnostic> AnalyzePlanted(string body, params string[] more)
    {
        var planted = AnalyzedSources.PlantedMethod(body);
        Assert.Equal("{   " + body, planted.Split('\n')[PlantedLine - 1].Trim());
        string[] library = ["src/CustomLosses/CachedScalars.cs", "src/CustomLosses/KeptScalarOps.cs", "src/CustomLosses/Term.cs", .. more];
        var compilation = AnalyzedSources.Compile(library.Select(f => (f, File.ReadAllText(Path.Combine(Root, f)))).Prepend(("Planted.cs", planted)));
        var errors = AnalyzedSources.Errors(compilation);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        var all = AnalyzedSources.Analyze(compilation);
        // CachedScalars is exempt; KeptScalarOps and Term make none (HostValue and TensorShape read no shape either).
        Assert.DoesNotContain(all, f => f.Location.SourceTree?.FilePath != "Planted.cs");
        return all;
    }

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Harness.sln"))) return dir.FullName;
        throw new InvalidOperationException("Harness.sln not found above " + AppContext.BaseDirectory);
    }
}
