using System.Runtime.InteropServices;
using Xunit;
using Xunit.Abstractions;

namespace Harness.Tests.Build;

/// <summary>
/// A user's own loss without a fork, from a clean folder with only the packed packages: the template makes a loss
/// project, which builds without analyzer warnings and whose tests pass; the installed tool validates it as a plugin
/// (passes), fails it naming the check once a wrong gradient is planted, and trains it by name from the project's
/// experiment config; the package's analyzer flags a planted <c>x * 0.5</c> in that project at build time.
/// </summary>
[Collection(LocalFeedCollection.Name)]
[Trait("Category", TestCategory.Slow)]
public class OwnLossEndToEndTests(LocalFeed localFeed, ITestOutputHelper log)
{
    [SkippableFact]
    public void A_loss_from_the_template_builds_validates_fails_when_planted_and_trains_as_a_plugin()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64,
            "the tool is packed for linux-x64 only (ToolPackageRuntimeIdentifiers in src/Harness/Harness.csproj)");
        localFeed.Packed();
        var (harness, _) = localFeed.InstalledTool();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        void Step(string what) { log.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s  {what}"); }

        // The template, from the feed's package, into a hive of its own (the user's templates stay as they are).
        var work = localFeed.UserProject("own-loss");
        var hive = Path.Combine(localFeed.Root, "template-hive");
        var (code, output) = LocalFeed.Dotnet(work, "new", "install", localFeed.Package("LossHarness.Templates"), "--debug:custom-hive", hive);
        Assert.True(code == 0, output);
        (code, output) = LocalFeed.Dotnet(work, "new", "loss-plugin", "-n", "Acme.Losses", "--loss", "cauchy", "--debug:custom-hive", hive);
        Assert.True(code == 0, output);
        var project = Path.Combine(work, "Acme.Losses");
        var source = Path.Combine(project, "src", "MyLoss.cs");
        Assert.True(File.Exists(Path.Combine(project, "src", "Acme.Losses.csproj")), output);
        Assert.Contains($"Include=\"LossHarness.CustomLosses\" Version=\"{localFeed.Version}\"",
            File.ReadAllText(Path.Combine(project, "src", "Acme.Losses.csproj")));
        Step("template installed and instantiated");

        (code, output) = LocalFeed.Dotnet(project, "build", "src", "-c", "Release", "-nologo");
        Assert.True(code == 0, output);
        Assert.DoesNotContain("warning CL", output);
        (code, output) = LocalFeed.Dotnet(project, "test", "tests", "-nologo");
        Assert.True(code == 0, output);
        Assert.Contains("Passed!", output);
        Step("built; its own tests pass");

        (code, output) = LocalFeed.Run(harness, project, "validate", "--plugin", "src/Acme.Losses.csproj", "--losses", "cauchy", "--output", "validation");
        Assert.True(code == 0, output);
        Assert.Contains("cauchy", output);
        Step("validated through the installed tool");

        // A wrong gradient with the right value: r * r.detach() halves d(r^2)/dr.
        var original = File.ReadAllText(source);
        File.WriteAllText(source, original.Replace("Log1p(r * r)", "Log1p(r * r.Tensor.detach())"));
        Assert.NotEqual(original, File.ReadAllText(source));
        (code, output) = LocalFeed.Run(harness, project, "validate", "--plugin", "src/Acme.Losses.csproj", "--losses", "cauchy", "--output", "planted");
        Assert.True(code == 1, $"exit {code}:\n{output}");
        Assert.Contains("finite differences", output, StringComparison.OrdinalIgnoreCase);
        File.WriteAllText(source, original);
        Step("the planted gradient fails validation");

        (code, output) = LocalFeed.Run(harness, project, "run", "experiment.json", "--output", "out", "--set", "training.epochs=2", "--set", "seeds=[0]");
        Assert.True(code == 0, output);
        Assert.True(File.Exists(Path.Combine(project, "out", "cauchy-vs-mse", "runs", "cauchy-seed0", "summary.json")), output);
        Step("trained as a plugin from the project's experiment config");

        File.WriteAllText(Path.Combine(project, "src", "Planted.cs"), """
            namespace Acme.Losses;
            static class Planted
            {
                public static TorchSharp.torch.Tensor Half(TorchSharp.torch.Tensor x) => x * 0.5;
            }
            """);
        (code, output) = LocalFeed.Dotnet(project, "build", "src", "-c", "Release", "-nologo");
        Assert.True(code == 0, output);
        Assert.Contains("warning CL0002: x * 0.5 makes a temporary Scalar inside TorchSharp", output);
        Step("the analyzer flags x * 0.5");
    }
}
