using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace Harness.Tests.Build;

/// <summary>-p:TorchBackend picks exactly one native runtime package; the default build needs only TorchSharp-cpu.</summary>
[Trait("Category", TestCategory.Process)]
public class TorchBackendTests
{
    static (int Code, string Output) MsBuild(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryPaths.Root };
        psi.ArgumentList.Add("msbuild");
        psi.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, "src", "CustomLosses", "CustomLosses.csproj"));
        psi.ArgumentList.Add("-nologo");
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, output.Result + error.Result);
    }

    static string[] TorchPackages(string? backend)
    {
        var (code, output) = backend is null
            ? MsBuild("-getItem:PackageReference")
            : MsBuild("-getItem:PackageReference", $"-p:TorchBackend={backend}");
        Assert.True(code == 0, output);
        using var json = JsonDocument.Parse(output);
        return json.RootElement.GetProperty("Items").GetProperty("PackageReference").EnumerateArray()
            .Select(e => e.GetProperty("Identity").GetString()!)
            .Where(n => n.StartsWith("TorchSharp-", StringComparison.Ordinal)).ToArray();
    }

    [Fact]
    public void Default_build_references_only_the_cpu_runtime() => Assert.Equal(["TorchSharp-cpu"], TorchPackages(null));

    [Fact]
    public void The_library_depends_on_the_managed_api_and_keeps_the_runtime_private()
    {
        var (code, output) = MsBuild("-getItem:PackageReference");
        Assert.True(code == 0, output);
        using var json = JsonDocument.Parse(output);
        var references = json.RootElement.GetProperty("Items").GetProperty("PackageReference").EnumerateArray().ToList();
        Assert.Contains(references, e => e.GetProperty("Identity").GetString() == "TorchSharp");
        var runtime = references.Single(e => e.GetProperty("Identity").GetString() == "TorchSharp-cpu");
        Assert.Equal("all", runtime.GetProperty("PrivateAssets").GetString());
    }

    [Fact]
    public void Cuda_backend_swaps_in_the_cuda_runtime_for_this_os()
    {
        var expected = OperatingSystem.IsWindows() ? "TorchSharp-cuda-windows" : "TorchSharp-cuda-linux";
        Assert.Equal([expected], TorchPackages("cuda"));
    }

    [Fact]
    public void Unknown_backend_fails_with_a_clear_message()
    {
        var (code, output) = MsBuild("-t:CheckTorchBackend", "-p:TorchBackend=rocm");
        Assert.NotEqual(0, code);
        Assert.Contains("TorchBackend='rocm' is not valid: use cpu (default) or cuda.", output);
    }
}
