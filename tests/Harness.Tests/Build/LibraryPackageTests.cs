using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using Xunit;

namespace Harness.Tests.Build;

/// <summary>
/// The losses ship as a NuGet package a user's project can reference: it carries the library, its XML docs and a
/// README, depends on TorchSharp's managed API and not on a native runtime, and a project that references it from a
/// local feed builds against it.
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
                using var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
                var dependencies = XDocument.Load(nuspec).Descendants().Where(e => e.Name.LocalName == "dependency")
                    .Select(e => (string)e.Attribute("id")!).ToList();
                Assert.Contains("TorchSharp", dependencies);
                Assert.DoesNotContain(dependencies, d => d.StartsWith("TorchSharp-", StringComparison.Ordinal) || d.StartsWith("libtorch", StringComparison.Ordinal));
            }

            // A user's project: its own NuGet sources (the local feed first), outside this repository's build settings.
            var app = Path.Combine(root, "app");
            Directory.CreateDirectory(app);
            File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="local" value="{feed}" />
                  </packageSources>
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
                """);
            (code, output) = Dotnet(app, "build", "-nologo");
            Assert.True(code == 0, output);
        }
        finally { Directory.Delete(root, true); }
    }
}
