using System.Diagnostics;
using System.Runtime.InteropServices;
using Xunit;

namespace Harness.Tests.Build;

/// <summary>
/// A temporary local NuGet feed with both of this repository's packages, packed once per test run by the documented
/// command (<c>deploy/pack-local-feed.sh</c>) from the configuration the tests were built in, and shared by the
/// tests of the <see cref="LocalFeedCollection"/>. Packing never throws here: each test asserts <see cref="Packed"/>,
/// so a failure shows the script's output in every test that needed the feed.
/// </summary>
public sealed class LocalFeed : IDisposable
{
    /// <summary>A temporary folder for the feed and for whatever the tests install or run (deleted at the end).</summary>
    public string Root { get; } = Directory.CreateTempSubdirectory("harness-feed-").FullName;

    /// <summary>The feed folder: the <c>.nupkg</c> files.</summary>
    public string Folder => Path.Combine(Root, "feed");

    /// <summary>Why the feed cannot be packed on this machine, or null.</summary>
    public string? Unavailable { get; }

    /// <summary>The pack script's exit code and output.</summary>
    public (int Code, string Output) Pack { get; } = (-1, "");

    /// <summary>How long the pack script ran.</summary>
    public double PackSeconds { get; }

    /// <summary>Debug or Release: the build the tests run on, so that packing rebuilds as little as it can.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    public LocalFeed()
    {
        tool = new(Install);
        var script = Path.Combine(RepositoryPaths.Root, "deploy", "pack-local-feed.sh");
        Unavailable = OperatingSystem.IsWindows() ? "deploy/pack-local-feed.sh is a bash script" : null;
        if (Unavailable != null) return;
        var clock = Stopwatch.StartNew();
        Pack = Run("bash", RepositoryPaths.Root, script, "-c", Configuration, Folder);
        PackSeconds = clock.Elapsed.TotalSeconds;
    }

    /// <summary>Skips where the feed cannot be packed here, and fails with the script's output where packing failed.</summary>
    public void Packed()
    {
        Skip.If(Unavailable != null, Unavailable);
        Assert.True(Pack.Code == 0, "deploy/pack-local-feed.sh failed:\n" + Pack.Output);
    }

    /// <summary>The one package in the feed whose file name starts with <paramref name="id"/> and a version.</summary>
    public string Package(string id) =>
        Assert.Single(Directory.GetFiles(Folder, id + ".*.nupkg"), f => char.IsAsciiDigit(Path.GetFileName(f)[(id.Length + 1)..][0]));

    readonly Lazy<(string Harness, double Seconds, int Code, string Output)> tool;

    /// <summary>
    /// Installs the tool from the feed alone (<c>--source</c> replaces every configured source, so it works offline) into
    /// a tool path under <see cref="Root"/>, once for every test that runs it; returns the <c>harness</c> command, or
    /// fails with the install's output.
    /// </summary>
    public (string Harness, double Seconds) InstalledTool()
    {
        var (harness, seconds, code, output) = tool.Value;
        Assert.True(code == 0, "dotnet tool install failed:\n" + output);
        return (harness, seconds);
    }

    (string, double, int, string) Install()
    {
        var tools = Path.Combine(Root, "tools");
        var clock = Stopwatch.StartNew();
        var (code, output) = Dotnet(Root, "tool", "install", "--tool-path", tools, "LossHarness.Tool", "--version", Version, "--source", Folder);
        return (Path.Combine(tools, "harness"), clock.Elapsed.TotalSeconds, code, output);
    }

    /// <summary>The version every package carries (the library's, which the tool's and the templates' follow).</summary>
    public string Version => Path.GetFileNameWithoutExtension(Package("LossHarness.CustomLosses"))["LossHarness.CustomLosses.".Length..];

    /// <summary>
    /// A new folder for a user's project outside this repository's build settings, whose restores take this feed's
    /// packages and never the machine's NuGet cache's: that cache may hold an older package of the same version (from
    /// before a change to the library), which a restore would prefer to the one just packed. The project restores into a
    /// packages folder of its own; other packages (TorchSharp, xunit) come from the machine's cache as a folder feed, so
    /// nothing is downloaded.
    /// </summary>
    public string UserProject(string name)
    {
        var folder = Path.Combine(Root, name);
        Directory.CreateDirectory(folder);
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
            ? packages
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(folder, ".packages")}" />
              </config>
              <packageSources>
                <clear />
                <add key="local" value="{Folder}" />
                <add key="cache" value="{cache}" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local"><package pattern="LossHarness.*" /></packageSource>
                <packageSource key="cache"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(folder, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(folder, "Directory.Packages.props"), "<Project />");
        return folder;
    }

    /// <summary>Runs <c>dotnet</c> in <paramref name="directory"/>, without telemetry or the first-run banner.</summary>
    public static (int Code, string Output) Dotnet(string directory, params string[] args) => Run("dotnet", directory, args);

    /// <summary>Runs a program to its end (8 minutes at most) and returns its exit code and output, stdout then stderr.</summary>
    public static (int Code, string Output) Run(string program, string directory, params string[] args)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        // It would override a user project's own packages folder (UserProject's nuget.config).
        start.Environment.Remove("NUGET_PACKAGES");
        // An installed tool's launcher finds .NET through DOTNET_ROOT or the default install folder: point it at the
        // runtime running these tests, wherever it is installed, as a user's shell profile would.
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") == null)
            start.Environment["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(8))) { process.Kill(true); throw new TimeoutException(program + " " + string.Join(" ", args)); }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    public void Dispose() => Directory.Delete(Root, true);
}

/// <summary>The tests that share one <see cref="LocalFeed"/> (and so run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class LocalFeedCollection : ICollectionFixture<LocalFeed>
{
    public const string Name = "local feed";
}
