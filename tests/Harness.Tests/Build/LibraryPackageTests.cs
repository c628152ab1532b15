using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using Xunit;

namespace Harness.Tests.Build;

/// <summary>
/// The losses ship as a NuGet package a user's project can reference: it carries the library, its XML docs, a README
/// and the temporary-Scalar analyzer, depends on TorchSharp's managed API and not on a native runtime, and a project that
/// references it from a local feed builds against it and gets the analyzer's warnings.
/// </summary>
[Trait("Category", TestCategory.Slow)]
public class LibraryPackageTests
{
    static (int Code, string Output) Dotnet(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        // It would override the user project's own packages folder (nuget.config's globalPackagesFolder, below).
        start.Environment.Remove("NUGET_PACKAGES");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(8))) { process.Kill(true); throw new TimeoutException("dotnet " + string.Join(" ", args)); }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    [Fact]
    public void The_losses_pack_as_a_package_that_a_project_builds_against()
    {
        var root = Directory.CreateTempSubdirectory("harness-pack-").FullName;
        try
        {
            var feed = Path.Combine(root, "feed");
            // The test project was built with its references, so the library is packed from that build.
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
            var (code, output) = Dotnet(RepositoryPaths.Root, "pack", "src/CustomLosses", "-c", configuration, "--no-build", "-o", feed);
            Assert.True(code == 0, output);
            var package = Assert.Single(Directory.GetFiles(feed, "LossHarness.CustomLosses.*.nupkg"));
            using (var zip = ZipFile.OpenRead(package))
            {
                var entries = zip.Entries.Select(e => e.FullName).ToList();
                Assert.Contains("lib/net10.0/CustomLosses.dll", entries);
                Assert.Contains("lib/net10.0/CustomLosses.xml", entries);
                Assert.Contains("PACKAGE.md", entries);
                // Where NuGet gives a C# project its analyzers; the code fixes beside them serve IDEs.
                Assert.Contains("analyzers/dotnet/cs/CustomLosses.Analyzers.dll", entries);
                Assert.Contains("analyzers/dotnet/cs/CustomLosses.Analyzers.CodeFixes.dll", entries);
                using var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
                var dependencies = XDocument.Load(nuspec).Descendants().Where(e => e.Name.LocalName == "dependency")
                    .Select(e => (string)e.Attribute("id")!).ToList();
                Assert.Contains("TorchSharp", dependencies);
                Assert.DoesNotContain(dependencies, d => d.StartsWith("TorchSharp-", StringComparison.Ordinal) || d.StartsWith("libtorch", StringComparison.Ordinal));
                Assert.DoesNotContain(dependencies, d => d.StartsWith("CustomLosses", StringComparison.Ordinal));   // the analyzers travel inside
            }

            // A user's project, outside this repository's build settings, restoring into a packages folder of its own:
            // the machine's NuGet cache may hold an older LossHarness.CustomLosses 0.1.0 (from before a change to the
            // package), which a restore would take over the one just packed. The package comes from the local feed only;
            // its dependencies (TorchSharp, ...) from the machine's cache, as a folder feed, so nothing is downloaded.
            var app = Path.Combine(root, "app");
            Directory.CreateDirectory(app);
            var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
                ? packages
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <config>
                    <add key="globalPackagesFolder" value="{Path.Combine(root, "packages")}" />
                  </config>
                  <packageSources>
                    <clear />
                    <add key="local" value="{feed}" />
                    <add key="cache" value="{cache}" />
                  </packageSources>
                  <packageSourceMapping>
                    <packageSource key="local"><package pattern="LossHarness.*" /></packageSource>
                    <packageSource key="cache"><package pattern="*" /></packageSource>
                  </packageSourceMapping>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(app, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(app, "Directory.Packages.props"), "<Project />");
            File.WriteAllText(Path.Combine(app, "app.csproj"), """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
                  <ItemGroup><PackageReference Include="LossHarness.CustomLosses" Version="0.1.0" /></ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), """
                using CustomLosses.Catalog;
                var huber = LossRegistry.Create("HuberLoss", LossOptions.Of(("delta", 1.5)));
                var mse = new CustomLosses.Regression.HuberLoss(delta: 2.0);
                Console.WriteLine(huber.GetType().Name + " " + mse.GetType().Name);

                // Planted temporaries, which the package's analyzer must report.
                static class Planted
                {
                    public static TorchSharp.torch.Tensor Half(TorchSharp.torch.Tensor x) => x * 0.5;
                    public static TorchSharp.torch.Tensor Shift(TorchSharp.torch.Tensor x) => x.add(1.5, CustomLosses.CachedScalars.One);
                }
                """);
            (code, output) = Dotnet(app, "build", "-nologo");
            Assert.True(code == 0, output);
            Assert.Contains("warning CL0002: x * 0.5 makes a temporary Scalar inside TorchSharp", output);
            Assert.Contains("warning CL0001: 1.5 (double) becomes a new Scalar", output);
            // The analyzer loaded, ran without throwing and read TorchSharp.dll's IL from the NuGet cache.
            Assert.DoesNotContain("CL0005", output);
            Assert.DoesNotContain("AD0001", output);
            Assert.DoesNotContain("CS8032", output);
        }
        finally { Directory.Delete(root, true); }
    }
}
