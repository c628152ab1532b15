using System.Text.Json.Nodes;
using Harness.Tests.Cli;
using Xunit;

namespace Harness.Tests.Plugins;

/// <summary>
/// Users' losses without a fork: a plugin given by <c>--plugin</c> or a config's <c>plugins</c> is loaded next to the
/// built-in losses, listed with its origin, trained by name; what cannot be loaded is one clear error and exit 2.
/// </summary>
[Trait("Category", TestCategory.Process)]
public class LossPluginTests(SampleLossPlugin plugin) : IClassFixture<SampleLossPlugin>
{
    [Fact]
    public void A_project_plugin_is_built_and_its_losses_are_listed_with_their_origin()
    {
        var line = plugin.Listing.Split('\n').Single(l => l.StartsWith("my-loss ", StringComparison.Ordinal));
        Assert.Contains(plugin.Project, line);
        Assert.Contains("mse ", plugin.Listing);
        Assert.True(File.Exists(plugin.Assembly), plugin.Assembly);
        var builtIn = plugin.Listing.Split('\n').Single(l => l.StartsWith("mse ", StringComparison.Ordinal));
        Assert.EndsWith("built-in", builtIn.TrimEnd());
    }

    [Fact]
    public void A_config_names_its_plugins_and_trains_their_losses_by_name()
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            var relative = Path.GetRelativePath(dir, plugin.Assembly);
            File.WriteAllText(Path.Combine(dir, "plugin.json"), $$"""
            {
              "name": "plugin",
              "plugins": ["{{relative.Replace("\\", "/")}}"],
              "dataset": { "name": "synthetic-regression", "trainLimit": 200 },
              "model": { "kind": "mlp", "hidden": [8] },
              "training": { "epochs": 2, "batchSize": 32 },
              "losses": [ { "loss": "my-loss", "options": { "scale": 2.0 } }, { "loss": "mse" } ]
            }
            """);
            var (code, stdout, stderr) = HarnessProcess.Run(dir, "run", "plugin.json", "--output", "out");
            Assert.True(code == 0, stdout + stderr);
            var folder = Path.Combine(dir, "out", "plugin");
            Assert.True(File.Exists(Path.Combine(folder, "runs", "my-loss-seed0", "summary.json")), stdout);
            // Written back absolute: the resolved config reruns from anywhere.
            var resolved = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.resolved.json")))!;
            Assert.Equal(plugin.Assembly, (string)resolved["plugins"]![0]!);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void What_cannot_be_loaded_is_one_error_and_exit_2()
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            File.WriteAllText(Path.Combine(dir, "notes.txt"), "not a plugin");
            File.WriteAllText(Path.Combine(dir, "fake.dll"), "not an assembly");
            var copy = Path.Combine(dir, "copy", "SampleLossPlugin.dll");
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(plugin.Assembly, copy);
            (string[] Args, string Expected)[] cases =
            [
                (["--plugin", "missing.dll"], "no such file"),
                (["--plugin", "notes.txt"], "expected a .dll or a project file (.csproj)"),
                (["--plugin", "fake.dll"], "does not load as a .NET assembly"),
                (["--plugin", plugin.Assembly, "--plugin", copy], "the name is taken by 'my-loss' from " + plugin.Assembly),
            ];
            foreach (var (args, expected) in cases)
            {
                var (code, stdout, stderr) = HarnessProcess.Run(dir, ["list", "losses", .. args]);
                Assert.True(code == 2, $"{string.Join(" ", args)}: exit {code}: {stdout}{stderr}");
                Assert.Contains(expected, stderr);
                Assert.DoesNotContain("   at ", stderr);
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_config_plugin_that_fails_is_reported_at_its_key_without_unknown_loss_noise()
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            File.WriteAllText(Path.Combine(dir, "bad.json"), """
            {
              "name": "bad",
              "plugins": ["missing/MyLosses.dll"],
              "dataset": { "name": "synthetic-regression" },
              "losses": [ { "loss": "my-loss" } ]
            }
            """);
            var (code, stdout, stderr) = HarnessProcess.Run(dir, "run", "bad.json", "--output", "out");
            Assert.True(code == 2, stdout + stderr);
            Assert.Contains("plugins.0:", stderr);
            Assert.Contains("no such file", stderr);
            Assert.DoesNotContain("my-loss", stderr);
            Assert.False(Directory.Exists(Path.Combine(dir, "out", "bad")));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_project_that_does_not_build_names_the_compiler_error()
    {
        var dir = HarnessProcess.TempFolder();
        try
        {
            File.WriteAllText(Path.Combine(dir, "Broken.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
            </Project>
            """);
            File.WriteAllText(Path.Combine(dir, "Broken.cs"), "public class Broken { int x = \"text\"; }");
            var (code, stdout, stderr) = HarnessProcess.Run(dir, "list", "losses", "--plugin", "Broken.csproj");
            Assert.True(code == 2, stdout + stderr);
            Assert.Contains("the build failed", stderr);
            Assert.Contains("CS0029", stderr);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
