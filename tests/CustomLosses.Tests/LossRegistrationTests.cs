using CustomLosses.Catalog;
using Xunit;
using static TorchSharp.torch;

namespace CustomLosses.Tests;

/// <summary>A loss from outside the library: a test-only loss registered in a test, shaped as a plugin's would be.</summary>
[RegisteredLoss]
public sealed class HalfSquaredErrorLoss(nn.Reduction reduction = nn.Reduction.Mean, double scale = 0.5)
    : CustomLoss(nameof(HalfSquaredErrorLoss), reduction)
{
    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        Term d = input - target;
        return Reduce(scale * d * d).MoveToOuterDisposeScope();
    }

    /// <summary>Registry entry, as a plugin declares it.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "half-squared-error-test",
        Title: "Half squared error (test)",
        Summary: "scale * (x - y)^2",
        Task: LossTask.Regression,
        ExpectedOutput: ModelOutput.RealValues,
        Target: TargetEncoding.Real,
        Options: [OptionSpec.Real("scale", 0.5, "The factor.", "> 0", v => v > 0)],
        Reference: LossSpec.FormulaReference,
        InputCount: 2,
        Factory: o => new HalfSquaredErrorLoss(o.Reduction, o.Real("scale")))
    {
        ZeroAtTarget = true,
    };
}

/// <summary>
/// Registering losses from outside the library: what the registry accepts, and the one error listing every problem of
/// what it refuses. Registration is process-wide, so this class runs alone.
/// </summary>
[Collection(RegistrationCollection.Name)]
public class LossRegistrationTests
{
    static LossSpec Valid => HalfSquaredErrorLoss.Spec with { Origin = "tests" };

    [Fact]
    public void A_marked_class_is_found_with_its_origin_and_registers_typed()
    {
        var found = RegisteredLosses.In(typeof(HalfSquaredErrorLoss).Assembly, "tests");
        var spec = Assert.Single(found);
        Assert.Equal("half-squared-error-test", spec.Name);
        Assert.Equal("tests", spec.Origin);

        LossRegistry.Register(found);
        LossRegistry.Register(found);   // the same origin again is a no-op (a config and --plugin may both name it)
        Assert.Equal("tests", LossRegistry.Get("half-squared-error-test").Origin);
        Assert.Equal(LossSpec.BuiltInOrigin, LossRegistry.Get("mse").Origin);

        using var loss = LossRegistry.CreateTwoInput("half-squared-error-test", LossOptions.Of(("reduction", nn.Reduction.Sum), ("scale", 2.0)));
        using var x = tensor(new[] { 1.0, 3.0 });
        using var y = tensor(new[] { 0.0, 1.0 });
        using var value = loss.call(x, y);
        Assert.Equal(2.0 * (1 + 4), value.item<double>(), 12);
    }

    [Fact]
    public void Typed_creation_refuses_the_wrong_arity_saying_which_to_use()
    {
        var e = Assert.Throws<LossOptionException>(() => LossRegistry.CreateTwoInput("gaussian-nll"));
        Assert.Contains("takes 3 inputs", e.Message);
        Assert.Contains(nameof(LossRegistry.CreateThreeInput), e.Message);
        using var three = LossRegistry.CreateThreeInput("gaussian-nll");
        Assert.NotNull(three);
    }

    [Fact]
    public void A_taken_name_or_alias_is_refused_naming_both_origins()
    {
        var e = Assert.Throws<LossRegistrationException>(() => LossRegistry.Register([Valid with { Name = "mse", Origin = "plugin.dll" }]));
        Assert.Contains("loss 'mse' from plugin.dll", e.Message);
        Assert.Contains("taken by 'mse' from built-in", e.Message);
        var alias = Assert.Throws<LossRegistrationException>(() => LossRegistry.Register([Valid with { Name = "pinball", Origin = "plugin.dll" }]));
        Assert.Contains("taken by 'quantile'", alias.Message);
        var twice = Assert.Throws<LossRegistrationException>(() =>
            LossRegistry.Register([Valid with { Name = "twice-test", Origin = "a.dll" }, Valid with { Name = "twice-test", Origin = "b.dll" }]));
        Assert.Contains("taken by 'twice-test' from a.dll", twice.Message);
        Assert.Null(LossRegistry.Find("twice-test"));   // all or none
    }

    [Fact]
    public void Bad_metadata_is_refused_with_every_problem()
    {
        var bad = Valid with
        {
            Name = "Bad_Name",
            Summary = "",
            InputCount = 3,
            Options = [OptionSpec.Real("scale", -1.0, "The factor.", "> 0", v => v > 0), OptionSpec.Boolean("reduction", false, "dup")],
            Origin = "bad.dll",
        };
        var problems = LossSpecProblems.Of(bad);
        Assert.Contains(problems, p => p.Contains("kebab-case"));
        Assert.Contains(problems, p => p.Contains("summary is empty"));
        Assert.Contains(problems, p => p.Contains("default -1 is not"));
        Assert.Contains(problems, p => p.Contains("every loss has reduction already"));
        var e = Assert.Throws<LossRegistrationException>(() => LossRegistry.Register([bad]));
        Assert.Equal(problems.Count, e.Message.Split(Environment.NewLine).Length);
    }

    [Fact]
    public void A_factory_of_the_wrong_arity_or_that_throws_is_a_problem()
    {
        Assert.Contains(LossSpecProblems.Of(Valid with { InputCount = 3 }), p => p.Contains("takes 2 inputs but the spec says 3"));
        Assert.Contains(LossSpecProblems.Of(Valid with { Factory = _ => throw new InvalidOperationException("boom") }),
            p => p.Contains("throws with the default options: InvalidOperationException: boom"));
        Assert.Contains(LossSpecProblems.Of(Valid with { Twin = o => new HalfSquaredErrorLoss() }), p => p.Contains("set Reference to the twin's name"));
    }

    [Fact]
    public void Vector_options_accept_tensors_and_reduction_accepts_the_enum()
    {
        using var weight = tensor(new[] { 1.0, 2.0, 3.0 });
        var resolved = LossRegistry.Resolve("cross-entropy", LossOptions.Of(("weight", weight), ("reduction", nn.Reduction.None)));
        Assert.Equal([1.0, 2.0, 3.0], resolved.RealVector("weight")!);
        Assert.Equal(nn.Reduction.None, resolved.Reduction);
        using var matrix = ones(2, 2);
        var e = Assert.Throws<LossOptionException>(() => LossRegistry.Resolve("cross-entropy", LossOptions.Of(("weight", matrix))));
        Assert.Contains("expected a list of real numbers", e.Message);
    }

    [Fact]
    public void Weighted_binary_and_focal_losses_take_tensor_weights_like_arrays()
    {
        using var x = tensor(new[] { 0.2, 0.7, 0.9 });
        using var y = tensor(new[] { 0.0, 1.0, 1.0 });
        using var w = tensor(new[] { 1.0, 2.0, 0.5 });
        using var fromArray = new Binary.BceLoss(new[] { 1.0, 2.0, 0.5 });
        using var fromTensor = new Binary.BceLoss(w);
        using var a = fromArray.call(x, y);
        using var b = fromTensor.call(x, y);
        Assert.Equal(a.item<double>(), b.item<double>());
        using var logits = tensor(new[,] { { 1.0, -1.0, 0.5 } });
        using var target = tensor(new long[] { 2 });
        using var alpha = tensor(new[] { 1.0, 2.0, 3.0 });
        using var focalArray = new MultiClass.FocalLoss(2.0, new[] { 1.0, 2.0, 3.0 });
        using var focalTensor = new MultiClass.FocalLoss(2.0, alpha);
        using var fa = focalArray.call(logits, target);
        using var ft = focalTensor.call(logits, target);
        Assert.Equal(fa.item<double>(), ft.item<double>());
    }
}

/// <summary>Tests that change the process-wide registry run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RegistrationCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Loss registration";
}
