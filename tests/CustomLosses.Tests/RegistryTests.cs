using CustomLosses.Catalog;
using CustomLosses.Regression;
using Xunit;
using static TorchSharp.torch;

namespace CustomLosses.Tests;

/// <summary>The registry: lookup, option checking and the error messages users see.</summary>
public class RegistryTests
{
    [Fact]
    public void Unknown_loss_names_the_nearest_valid_one_and_lists_all()
    {
        var e = Assert.Throws<LossOptionException>(() => LossRegistry.Get("msee"));
        Assert.Contains("'msee'", e.Message);
        Assert.Contains("Did you mean 'mse'", e.Message);
        Assert.Contains("Valid losses: ", e.Message);
        Assert.Contains("l1", e.Message);
    }

    [Fact]
    public void Names_are_case_insensitive() => Assert.Same(MseLoss.Spec, LossRegistry.Get("MSE"));

    [Fact]
    public void Unknown_option_names_the_nearest_valid_option()
    {
        var e = Assert.Throws<LossOptionException>(() => LossRegistry.Resolve("mse", LossOptions.Of(("reductoin", "sum"))));
        Assert.Contains("'reductoin'", e.Message);
        Assert.Contains("Did you mean 'reduction'", e.Message);
    }

    [Fact]
    public void Wrong_choice_names_the_valid_ones()
    {
        var e = Assert.Throws<LossOptionException>(() => LossRegistry.Resolve("mse", LossOptions.Of(("reduction", "batchmean"))));
        Assert.Contains("'batchmean'", e.Message);
        Assert.Contains("one of none, mean, sum", e.Message);
    }

    [Theory]
    [InlineData("sum", nn.Reduction.Sum)]
    [InlineData("None", nn.Reduction.None)]
    [InlineData(null, nn.Reduction.Mean)]
    public void Reduction_defaults_to_mean_and_parses_case_insensitively(string? given, nn.Reduction expected)
    {
        var options = given is null ? LossOptions.Empty : LossOptions.Of(("reduction", given));
        Assert.Equal(expected, LossRegistry.Resolve("mse", options).Reduction);
        var module = (MseLoss)LossRegistry.Create("mse", options);
        Assert.Equal(expected, module.Reduction);
    }

    [Fact]
    public void Pytorchs_batchmean_reduction_is_kl_divs_mean_with_batchmean()
    {
        var alias = LossRegistry.Resolve("kl-div", LossOptions.Of(("reduction", "batchmean")));
        Assert.Equal(nn.Reduction.Mean, alias.Reduction);
        Assert.True(alias.Boolean("batchmean"));
        var agreeing = LossRegistry.Resolve("kl-div", LossOptions.Of(("reduction", "BatchMean"), ("batchmean", "true"), ("log_target", "true")));
        Assert.True(agreeing.Boolean("batchmean") && agreeing.Boolean("log_target"));
        var conflict = Assert.Throws<LossOptionException>(() =>
            LossRegistry.Resolve("kl-div", LossOptions.Of(("reduction", "batchmean"), ("batchmean", "false"))));
        Assert.Contains("batchmean is also set to false", conflict.Message);
        // Plain reductions are untouched.
        Assert.False(LossRegistry.Resolve("kl-div", LossOptions.Of(("reduction", "mean"))).Boolean("batchmean"));
    }

    [Fact]
    public void Every_spec_is_consistent()
    {
        foreach (var spec in LossRegistry.All)
        {
            // The same metadata rules a plugin's losses must pass.
            Assert.Empty(LossSpecProblems.Of(spec));
            // Defaults must themselves be valid, and the factory must build with them.
            var module = LossRegistry.Create(spec.Name);
            Assert.NotNull(module);
            var expectedBase = spec.InputCount == 2 ? typeof(CustomLoss) : typeof(CustomLoss3);
            Assert.True(expectedBase.IsInstanceOfType(module), $"{spec.Name} builds a {module.GetType().Name}, not a {expectedBase.Name}");
            foreach (var option in spec.Options)
            {
                Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{spec.Name}.{option.Name}");
                if (option.Default is { } d && option.IsValid != null && d is not double[])
                    Assert.True(option.IsValid(d), $"{spec.Name}.{option.Name}: default {d} fails its own range check");
            }
        }
    }

    [Fact]
    public void Option_values_from_configuration_text_are_parsed()
    {
        var o = LossOptions.Of(("reduction", "sum"));
        Assert.Equal(nn.Reduction.Sum, LossRegistry.Resolve("l1", o).Reduction);
    }

    [Fact]
    public void Nearest_name_suggests_only_plausible_names()
    {
        Assert.Equal("huber", NearestName.Find("hubber", ["huber", "mse"]));
        Assert.Null(NearestName.Find("completely-different", ["huber", "mse"]));
    }

    [Theory]
    [InlineData("cross_entropy", "cross-entropy")]
    [InlineData("CrossEntropyLoss", "cross-entropy")]
    [InlineData("BCEWithLogitsLoss", "bce-with-logits")]
    [InlineData("binary_cross_entropy_with_logits", "bce-with-logits")]
    [InlineData("binary_cross_entropy", "bce")]
    [InlineData("SmoothL1Loss", "smooth-l1")]
    [InlineData("KLDivLoss", "kl-div")]
    [InlineData("NLLLoss", "nll")]
    [InlineData("pinball", "quantile")]
    [InlineData("Huber", "huber")]
    public void PyTorch_and_literature_names_resolve_to_the_registered_loss(string alias, string name) =>
        Assert.Equal(name, LossRegistry.Get(alias).Name);

    [Fact]
    public void An_alias_never_hides_a_wrong_name()
    {
        Assert.Null(LossRegistry.Find("loss"));
        Assert.Null(LossRegistry.Find("cross_entropy_with_logits"));
        Assert.Throws<LossOptionException>(() => LossRegistry.Get("pinbal"));
        // Every alias the catalogue lists resolves to its own loss, and no two losses share one.
        var aliases = LossRegistry.All.SelectMany(s => LossAliases.Of(s).Select(a => (Alias: a, s.Name))).ToList();
        Assert.All(aliases, a => Assert.Equal(a.Name, LossRegistry.Get(a.Alias).Name));
        Assert.Equal(aliases.Count, aliases.Select(a => a.Alias).Distinct().Count());
    }
}
