using System.IO.Compression;
using System.Xml.Linq;
using Xunit;

namespace Harness.Tests.Build;

/// <summary>
/// The losses ship as a NuGet package a user's project can reference: it carries the library, its XML docs, a README
/// and the temporary-Scalar analyzer, depends on TorchSharp's managed API and not on a native runtime, and a project that
/// references it from a local feed builds against it and gets the analyzer's warnings.
/// </summary>
[Collection(LocalFeedCollection.Name)]
[Trait("Category", TestCategory.Slow)]
public class LibraryPackageTests(LocalFeed localFeed)
{
    [SkippableFact]
    public void The_losses_pack_as_a_package_that_a_project_builds_against()
    {
        localFeed.Packed();
        var package = localFeed.Package("LossHarness.CustomLosses");
        using (var zip = ZipFile.OpenRead(package))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("lib/net10.0/CustomLosses.dll", entries);
            Assert.Contains("lib/net10.0/CustomLosses.xml", entries);
            Assert.Contains("PACKAGE.md", entries);
            // Where NuGet gives a C# project its analyzers; the code fixes beside them serve IDEs.
            Assert.Contains("analyzers/dotnet/cs/CustomLosses.Analyzers.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/CustomLosses.Analyzers.CodeFixes.dll", entries);
            // The Debian 12 libstdc++ fix, for users' projects that run TorchSharp.
            Assert.Contains("buildTransitive/LossHarness.CustomLosses.targets", entries);
            using var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
            var dependencies = XDocument.Load(nuspec).Descendants().Where(e => e.Name.LocalName == "dependency")
                .Select(e => (string)e.Attribute("id")!).ToList();
            Assert.Contains("TorchSharp", dependencies);
            Assert.DoesNotContain(dependencies,
                d => d.StartsWith("TorchSharp-", StringComparison.Ordinal) || d.StartsWith("libtorch", StringComparison.Ordinal));
            Assert.DoesNotContain(dependencies, d => d.StartsWith("CustomLosses", StringComparison.Ordinal));   // the analyzers travel inside
        }

        var app = localFeed.UserProject("library-app");
        File.WriteAllText(Path.Combine(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup><PackageReference Include="LossHarness.CustomLosses" Version="{localFeed.Version}" /></ItemGroup>
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
        var (code, output) = LocalFeed.Dotnet(app, "build", "-nologo");
        Assert.True(code == 0, output);
        Assert.Contains("warning CL0002: x * 0.5 makes a temporary Scalar inside TorchSharp", output);
        Assert.Contains("warning CL0001: 1.5 (double) becomes a new Scalar", output);
        // The analyzer loaded, ran without throwing and read TorchSharp.dll's IL from the NuGet cache.
        Assert.DoesNotContain("CL0005", output);
        Assert.DoesNotContain("AD0001", output);
        Assert.DoesNotContain("CS8032", output);
    }
}
