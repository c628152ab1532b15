using System.IO.Compression;
using System.Xml.Linq;
using Xunit;

namespace Harness.Tests.Build;

/// <summary>
/// The losses ship as a NuGet package a user's project can reference: it carries the library, its XML docs and a
/// README, depends on TorchSharp's managed API and not on a native runtime, and a project that references it from a
/// local feed builds against it.
/// </summary>
[Collection(LocalFeedCollection.Name)]
[Trait("Category", TestCategory.Slow)]
public class LibraryPackageTests(LocalFeed localFeed)
{
    [SkippableFact]
    public void The_losses_pack_as_a_package_that_a_project_builds_against()
    {
        localFeed.Packed();
        var feed = localFeed.Folder;
        var package = localFeed.Package("LossHarness.CustomLosses");
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
        var app = Path.Combine(localFeed.Root, "library-app");
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
        var (code, output) = LocalFeed.Dotnet(app, "build", "-nologo");
        Assert.True(code == 0, output);
    }
}
