using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using CustomLosses.Catalog;

namespace Harness.Plugins;

/// <summary>
/// Loads users' losses next to the built-in ones: an assembly (<c>MyLosses.dll</c>), or a project file built first, whose
/// classes marked <see cref="RegisteredLossAttribute"/> the registry then serves by name, with the path as their
/// <see cref="LossSpec.Origin"/>.
/// </summary>
/// <remarks>
/// The plugin loads into the default load context, so the CustomLosses and TorchSharp types it uses are the harness's own
/// (a loss built against another copy would be a different type and could not be trained or validated); its private
/// dependencies resolve from its own folder through its deps.json.
/// </remarks>
public static class LossPlugins
{
    static readonly ConcurrentDictionary<string, IReadOnlyList<LossSpec>> loaded = new(StringComparer.Ordinal);

    /// <summary>
    /// Loads the plugin at <paramref name="path"/> (relative to <paramref name="baseDirectory"/>, or the current folder)
    /// and registers its losses; loading the same file again is a no-op. Returns the losses it contributes.
    /// </summary>
    /// <exception cref="PluginException">One message: what failed, for which file, and what to do.</exception>
    public static IReadOnlyList<LossSpec> Load(string path, string? baseDirectory = null)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new PluginException("a plugin path is empty; give a .dll or a .csproj.");
        var full = Path.GetFullPath(path, baseDirectory ?? Directory.GetCurrentDirectory());
        return loaded.GetOrAdd(full, LoadOnce);
    }

    static IReadOnlyList<LossSpec> LoadOnce(string full)
    {
        var extension = Path.GetExtension(full).ToLowerInvariant();
        if (extension is not (".dll" or ".csproj"))
            throw new PluginException($"plugin '{full}': expected a .dll or a project file (.csproj).");
        if (!File.Exists(full))
            throw new PluginException($"plugin '{full}': no such file." + (extension == ".dll" ? " Build the project first, or give its .csproj." : ""));
        var assemblyPath = extension == ".csproj" ? PluginProjectBuild.Build(full) : full;
        var assembly = LoadAssembly(assemblyPath, full);
        try
        {
            var specs = RegisteredLosses.In(assembly, full);
            LossRegistry.Register(specs);
            return specs;
        }
        catch (LossRegistrationException e)
        {
            throw new PluginException(e.Message, e);
        }
    }

    static Assembly LoadAssembly(string assemblyPath, string origin)
    {
        var resolver = new AssemblyDependencyResolver(assemblyPath);
        // Only names the harness cannot resolve itself reach this handler: the plugin's private dependencies.
        AssemblyLoadContext.Default.Resolving += (context, name) =>
            resolver.ResolveAssemblyToPath(name) is { } dependency ? context.LoadFromAssemblyPath(dependency) : null;
        try
        {
            return AssemblyLoadContext.Default.LoadFromAssemblyPath(assemblyPath);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException)
        {
            throw new PluginException(
                $"plugin '{origin}': {Path.GetFileName(assemblyPath)} does not load as a .NET assembly: {e.Message} " +
                $"Build it for net{Environment.Version.Major}.{Environment.Version.Minor} against LossHarness.CustomLosses and TorchSharp " +
                $"{typeof(TorchSharp.torch).Assembly.GetName().Version}.", e);
        }
    }
}
