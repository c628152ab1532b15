using System.Text.Json.Nodes;
using Harness.Config;
using Xunit;

namespace Harness.Tests.Config;

public class ResolvedConfigWriterTests
{
    [Fact]
    public void Writes_every_key_in_camel_case_with_overrides_and_defaults()
    {
        var config = ConfigFiles.Load(ConfigFiles.Base, "training.epochs=9", "losses.1.options.delta=2.5");
        var json = ResolvedConfigWriter.Write(config);
        var node = JsonNode.Parse(json)!;
        Assert.Equal(9, node["training"]!["epochs"]!.GetValue<int>());
        Assert.Equal(16, node["training"]!["batchSize"]!.GetValue<int>()); // from the file
        Assert.Equal(0.1, node["dataset"]!["validationFraction"]!.GetValue<double>());  // a default
        Assert.Equal("none", node["training"]!["schedule"]!["name"]!.GetValue<string>());
        Assert.Equal(2.5, node["losses"]![1]!["options"]!["delta"]!.GetValue<double>()); // typed, not "2.5"
        Assert.Contains("\n  \"name\": \"base\"", json);  // indented, camelCase
        Assert.DoesNotContain("\"Name\"", json);
    }

    [Fact]
    public void Option_lists_are_written_as_lists()
    {
        var config = ConfigFiles.Load(ConfigFiles.Base, "losses.0.options.weight=[1,2,1,1,1,1,1,1,1,1]");
        var node = JsonNode.Parse(ResolvedConfigWriter.Write(config))!;
        Assert.Equal(2.0, node["losses"]![0]!["options"]!["weight"]![1]!.GetValue<double>());
    }

    [Fact]
    public void Round_trips_through_the_loader()
    {
        var config = ConfigLoader.Load(Path.Combine(RepositoryPaths.Root, "experiments", "quickstart.json"),
            ["losses.0.options.weight=[1,2,1,1,1,1,1,1,1,1]", "convergenceTarget=null"]).Config;
        var first = ResolvedConfigWriter.Write(config);
        var again = ConfigFiles.Load(first);
        Assert.Equal(first, ResolvedConfigWriter.Write(again));
    }

    [Fact]
    public void A_reduction_alias_is_written_as_given_so_the_resolved_config_trains_the_same_loss()
    {
        // kl-div's reduction "batchmean" resolves to mean with batchmean set: writing "mean" would lose the batchmean.
        var config = ConfigFiles.Load(ConfigFiles.Base, "losses.0.loss=kl-div", "losses.0.options.reduction=batchmean");
        var node = JsonNode.Parse(ResolvedConfigWriter.Write(config))!;
        Assert.Equal("batchmean", node["losses"]![0]!["options"]!["reduction"]!.GetValue<string>());
    }
}
