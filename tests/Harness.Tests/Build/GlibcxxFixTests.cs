using System.Diagnostics;
using System.Security.Cryptography;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Build;

/// <summary>
/// The MSBuild fix in build/TorchSharpGlibcxxFix.targets: torch loads, the build output is patched exactly
/// where the system libstdc++ lacks GLIBCXX_3.4.32, the patch is one byte and idempotent, and a file it
/// does not understand fails the build instead of being written blindly.
/// </summary>
[Trait("Category", TestCategory.Process)]
public class GlibcxxFixTests
{
    // TorchSharp 0.107.0's libLibTorchSharp.so (pinned in Directory.Packages.props) and the byte offset of the
    // vna_flags of its GLIBCXX_3.4.32 entry, found independently with readelf -V.
    const string OriginalSha256 = "cf33b1b0bb6bbb9754a768fb5c5d04d9f498603be50e73f55621a0b40ee608b8";
    internal const long FlagsOffset = 260660;

    internal static bool SystemHasGlibcxx3432()
    {
        var lib = new[]
            {
                "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
            }
            .FirstOrDefault(File.Exists);
        if (lib == null) return false;
        var bytes = File.ReadAllBytes(lib);
        var needle = "GLIBCXX_3.4.32\0"u8.ToArray();
        return bytes.AsSpan().IndexOf(needle) >= 0;
    }

    static string PackageLibrary()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                   ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }

    static (int ExitCode, string Output) RunFix(string patchRoot)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (var a in new[] { "msbuild", Path.Combine(RepositoryPaths.Root, "build", "TorchSharpGlibcxxFix.targets"),
                     "-t:FixLibTorchSharpGlibcxx", "-nologo", "-v:n", $"-p:PatchRoot={patchRoot}{Path.DirectorySeparatorChar}" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, output.Result + error.Result);
    }

    static string TempRoot()
    {
        var dir = Path.Combine(Path.GetTempPath(), "glibcxx-fix-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, "runtimes", "linux-x64", "native"));
        return dir;
    }

    [Fact]
    public void Torch_loads_and_computes_in_the_test_host()
    {
        using var x = tensor(new[] { 1.0, 2.0, 3.0 }, requires_grad: true);
        using var y = (x * x).sum();
        y.backward();
        Assert.Equal(14.0, y.item<double>());
        Assert.Equal(new[] { 2.0, 4.0, 6.0 }, x.grad!.data<double>().ToArray());
    }

    [Fact]
    public void Build_output_is_patched_exactly_where_the_system_needs_it()
    {
        if (!OperatingSystem.IsLinux()) return;
        var output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(output), "the build output has no libLibTorchSharp.so");
        using var stream = File.OpenRead(output);
        stream.Position = FlagsOffset;
        var flags = stream.ReadByte();
        Assert.Equal(SystemHasGlibcxx3432() ? 0 : 2, flags);
    }

    [Fact]
    public void Fix_changes_one_byte_and_is_idempotent()
    {
        if (!OperatingSystem.IsLinux() || SystemHasGlibcxx3432()) return;
        var original = PackageLibrary();
        Assert.True(File.Exists(original), "TorchSharp 0.107.0 is not in the NuGet cache at " + original);
        Assert.Equal(OriginalSha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(original))));

        var root = TempRoot();
        try
        {
            var copy = Path.Combine(root, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
            File.Copy(original, copy);
            var (code, log) = RunFix(root);
            Assert.True(code == 0, log);
            Assert.Contains("marked GLIBCXX_3.4.32 weak", log);

            var before = File.ReadAllBytes(original);
            var after = File.ReadAllBytes(copy);
            var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
            Assert.Equal(new[] { (int)FlagsOffset }, changed);
            Assert.Equal(2, after[FlagsOffset]);

            var stamp = File.GetLastWriteTimeUtc(copy);
            var (code2, log2) = RunFix(root);
            Assert.True(code2 == 0, log2);
            Assert.Contains("already weak; left unchanged", log2);
            Assert.Equal(after, File.ReadAllBytes(copy));
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(copy));
            // The package cache itself is never touched.
            Assert.Equal(OriginalSha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(original))));
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void Fix_refuses_a_file_it_does_not_understand()
    {
        if (!OperatingSystem.IsLinux() || SystemHasGlibcxx3432()) return;
        var root = TempRoot();
        try
        {
            var bogus = Path.Combine(root, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
            File.WriteAllBytes(bogus, Enumerable.Repeat((byte)0x41, 4096).ToArray());
            var (code, log) = RunFix(root);
            Assert.NotEqual(0, code);
            Assert.Contains("not an ELF file", log);
            Assert.All(File.ReadAllBytes(bogus), b => Assert.Equal(0x41, b));
        }
        finally { Directory.Delete(root, true); }
    }
}
