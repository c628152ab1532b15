using System.Collections.Concurrent;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;

namespace CustomLosses.Analyzers;

/// <summary>
/// The <see cref="HiddenScalarTemporaries"/> scan of the TorchSharp.dll a compilation references, read once per build of
/// TorchSharp (by module version id) for the life of the compiler process, which analyzes many compilations.
/// </summary>
internal static class TorchSharpScans
{
    static readonly ConcurrentDictionary<Guid, Lazy<HiddenScalarTemporaries>> Scans = new();

    /// <summary>
    /// The scan of <paramref name="torchSharp"/> as <paramref name="compilation"/> references it, or null with the reason
    /// (no file behind the reference, a file that is not the referenced build, a reference assembly without IL).
    /// </summary>
    public static HiddenScalarTemporaries? For(Compilation compilation, IAssemblySymbol torchSharp, out string? whyNot)
    {
        whyNot = null;
        if (compilation.GetMetadataReference(torchSharp) is not PortableExecutableReference { FilePath: { Length: > 0 } path } reference)
        {
            whyNot = "the reference has no file";
            return null;
        }
        Guid mvid;
        try
        {
            mvid = ((AssemblyMetadata)reference.GetMetadata()).GetModules()[0].GetModuleVersionId();
        }
        catch (Exception e) when (e is BadImageFormatException or InvalidCastException or IOException)
        {
            whyNot = $"its metadata cannot be read: {e.Message}";
            return null;
        }
        HiddenScalarTemporaries scan;
        try
        {
            scan = Scans.GetOrAdd(mvid, _ => new Lazy<HiddenScalarTemporaries>(() => Read(path))).Value;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException or InvalidOperationException)
        {
            Scans.TryRemove(mvid, out _);
            whyNot = $"{path}: {e.Message}";
            return null;
        }
        if (scan.Mvid != mvid)
        {
            // The file changed since the compiler loaded it: its tokens would name other methods.
            Scans.TryRemove(mvid, out _);
            whyNot = $"{path} is not the build the compilation references (module version ids differ)";
            return null;
        }
        if (scan.Count == 0)
        {
            whyNot = $"{path} has no member that makes a Scalar: a reference assembly without method bodies?";
            return null;
        }
        return scan;
    }

    // RS1035 bans file access in analyzers because a file that is not an input of the compilation makes the result
    // depend on the machine. This file is an input: the compilation references it, and the module version id check
    // above makes sure the IL read is the IL of the assembly the compiler loaded. Roslyn's public API exposes metadata
    // but not method bodies, so reading the file is the only way to learn which TorchSharp members make a Scalar.
#pragma warning disable RS1035
    static HiddenScalarTemporaries Read(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        return HiddenScalarTemporaries.Scan(pe);
    }
#pragma warning restore RS1035
}
