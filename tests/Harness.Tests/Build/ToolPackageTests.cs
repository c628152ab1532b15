using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Xml.Linq;
using Xunit;
using Xunit.Abstractions;

namespace Harness.Tests.Build;

/// <summary>
/// The harness ships as a .NET tool: the local feed holds it beside the library at the same version, it installs from
/// that feed alone (no other package source), and the installed <c>harness</c> lists the losses and trains a short
/// quickstart from a folder outside the repository, with the config and results paths relative to that folder and the
/// digits set read from inside the tool. On Debian 12 that run also proves the packaged libLibTorchSharp.so carries
/// the libstdc++ fix.
/// </summary>
[Collection(LocalFeedCollection.Name)]
[Trait("Category", TestCategory.Slow)]
public class ToolPackageTests(LocalFeed localFeed, ITestOutputHelper log)
{
    const string PlatformPackage = "LossHarness.Tool.linux-x64";

    static string Version(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        using var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(nuspec).Descendants().Single(e => e.Name.LocalName == "version").Value;
    }

    [SkippableFact]
    public void The_tool_installs_from_the_local_feed_and_trains_the_quickstart()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64,
            "the tool is packed for linux-x64 only (ToolPackageRuntimeIdentifiers in src/Harness/Harness.csproj)");
        localFeed.Packed();
        log.WriteLine($"packed both packages ({LocalFeed.Configuration}) in {localFeed.PackSeconds:0.0} s");

        var version = Version(localFeed.Package("LossHarness.Tool"));
        Assert.Equal(Version(localFeed.Package("LossHarness.CustomLosses")), version);
        using (var zip = ZipFile.OpenRead(localFeed.Package(PlatformPackage)))
        {
            Assert.Equal(version, Version(localFeed.Package(PlatformPackage)));
            var native = zip.GetEntry("tools/net10.0/linux-x64/libLibTorchSharp.so");
            Assert.True(native != null, "the tool package carries no libLibTorchSharp.so");
            using var bytes = new MemoryStream();
            using (var stream = native.Open()) stream.CopyTo(bytes);
            // The fix's one byte: VER_FLG_WEAK (2) exactly where this system's libstdc++ lacks GLIBCXX_3.4.32.
            Assert.Equal(GlibcxxFixTests.SystemHasGlibcxx3432() ? 0 : 2, bytes.GetBuffer()[GlibcxxFixTests.FlagsOffset]);
        }

        var (harness, installSeconds) = localFeed.InstalledTool();
        log.WriteLine($"installed in {installSeconds:0.0} s");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var work = Path.Combine(localFeed.Root, "work");
        Directory.CreateDirectory(Path.Combine(work, "experiments"));
        File.Copy(Path.Combine(RepositoryPaths.Root, "experiments", "quickstart.json"), Path.Combine(work, "experiments", "quickstart.json"));

        var (code, output) = LocalFeed.Run(harness, work, "--version");
        Assert.True(code == 0, output);
        Assert.StartsWith(version, output.Trim(), StringComparison.Ordinal);

        (code, output) = LocalFeed.Run(harness, work, "list", "losses");
        Assert.True(code == 0, output);
        Assert.Contains("cross-entropy", output);
        Assert.Contains("huber", output);

        clock.Restart();
        (code, output) = LocalFeed.Run(
            harness, work, "run", "experiments/quickstart.json", "--output", "out", "--set", "training.epochs=2", "--set", "seeds=[0,1]");
        Assert.True(code == 0, output);
        log.WriteLine($"quickstart (2 epochs, 2 seeds) in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Contains("Verdict: ", output);
        Assert.Contains("digits (1294 train", output);
        Assert.True(File.Exists(Path.Combine(work, "out", "quickstart", "report.md")), "no report under the working folder's out/:\n" + output);
    }
}
