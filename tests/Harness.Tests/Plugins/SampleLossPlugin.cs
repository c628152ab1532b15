using Harness.Tests.Cli;

namespace Harness.Tests.Plugins;

/// <summary>
/// The sample loss plugin of tests/Fixtures/SampleLossPlugin (the template's Cauchy loss, <c>my-loss</c>), built once per test
/// run by the harness itself (<c>list losses --plugin its.csproj</c>, which builds a project plugin), so the tests
/// exercise the project path once and then load the built assembly.
/// </summary>
public sealed class SampleLossPlugin
{
    /// <summary>The sample plugin's project file.</summary>
    public string Project { get; } = Path.Combine(RepositoryPaths.Root, "tests", "Fixtures", "SampleLossPlugin", "SampleLossPlugin.csproj");

    /// <summary>The assembly the build made.</summary>
    public string Assembly { get; }

    /// <summary>What <c>list losses --plugin</c> printed when it built the project.</summary>
    public string Listing { get; }

    /// <summary>Builds the plugin through the harness.</summary>
    public SampleLossPlugin()
    {
        var (code, stdout, stderr) = HarnessProcess.Run(RepositoryPaths.Root, "list", "losses", "--plugin", Project);
        if (code != 0) throw new InvalidOperationException($"list losses --plugin {Project} exited {code}: {stdout}{stderr}");
        Listing = stdout;
        Assembly = Path.Combine(Path.GetDirectoryName(Project)!, "bin", "Release", "net10.0", "SampleLossPlugin.dll");
    }
}
