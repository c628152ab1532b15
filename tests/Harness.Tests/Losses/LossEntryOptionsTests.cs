using System.Text.Json.Nodes;
using Harness.Config;
using Harness.Data;
using Harness.Tests.Config;
using Harness.Training;
using Xunit;

namespace Harness.Tests.Losses;

/// <summary>A loss entry's options are resolved once, by the validator; the resolved config and the binding read that value.</summary>
public class LossEntryOptionsTests
{
    [Fact]
    public void A_validated_entry_carries_its_options_typed_and_the_resolved_config_writes_them()
    {
        var config = ConfigFiles.Load(ConfigFiles.Base, "losses.1.options.delta=2.5");
        var resolved = config.Losses[1].ResolvedOptions;
        Assert.NotNull(resolved);
        Assert.Equal("huber", resolved.Spec.Name);
        Assert.Equal(2.5, resolved.Values.Real("delta"));
        Assert.Equal("mean", resolved.Values.Choice("reduction"));  // a default, resolved too
        Assert.Equal([KeyValuePair.Create("delta", (object?)2.5)], resolved.Typed());
        Assert.Equal(2.5, JsonNode.Parse(ResolvedConfigWriter.Write(config))!["losses"]![1]!["options"]!["delta"]!.GetValue<double>());
    }

    [Fact]
    public void An_entry_changed_after_validation_carries_no_stale_options()
    {
        var entry = ConfigFiles.Load(ConfigFiles.Base, "losses.1.options.delta=2.5").Losses[1];
        Assert.Same(entry.ResolvedOptions, (entry with { DisplayName = "Huber" }).ResolvedOptions);
        Assert.Null((entry with { Options = new Dictionary<string, string> { ["delta"] = "3" } }).ResolvedOptions);
        Assert.Null((entry with { Loss = "mse" }).ResolvedOptions);
        Assert.Null(new LossEntryConfig { Loss = "huber" }.ResolvedOptions);
    }

    [Fact]
    public void The_binding_checks_the_class_count_the_config_could_not_know()
    {
        // A CSV's classes are known once it is read: the validator lets a class weight of any length through.
        var entry = ConfigFiles.Load(ConfigFiles.Base, "dataset.name=csv", "dataset.csv.path=x.csv", "dataset.csv.task=classification",
            "losses.0.options.weight=[1,2,3]").Losses[0];
        Assert.NotNull(entry.ResolvedOptions);
        var refused = Assert.Throws<ExperimentSetupException>(() => LossBinding.Create(entry, TaskKind.Classification, 2));
        Assert.Contains("option 'weight' has 3 entries, but the task has 2 classes", refused.Message);
        using var module = LossBinding.Create(entry, TaskKind.Classification, 3).Module;
    }
}
