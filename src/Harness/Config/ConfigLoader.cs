using Harness.Plugins;
using Microsoft.Extensions.Configuration;

namespace Harness.Config;

/// <summary>A loaded, checked experiment and where it came from.</summary>
/// <param name="Config">The configuration after overrides and defaults, checked by <see cref="ConfigValidator"/>.</param>
/// <param name="BaseDirectory">Absolute folder of the configuration file: relative paths in it (CSV path, dataset root) resolve against this.</param>
/// <param name="SourcePath">Absolute path of the configuration file.</param>
/// <param name="Notices">What loading decided for the user and should tell them (e.g. an inferred CSV task).</param>
public sealed record LoadedConfig(ExperimentConfig Config, string BaseDirectory, string SourcePath, IReadOnlyList<string>? Notices = null);

/// <summary>
/// Reads an experiment file (JSON, through Microsoft.Extensions.Configuration.Json), applies Hydra-style
/// <c>--set key=value</c> overrides on top, binds strictly onto <see cref="ExperimentConfig"/> and validates.
/// Every problem is a <see cref="ConfigException"/> with one message naming the key path (or file line and
/// column), the value and what is valid.
/// </summary>
public static class ConfigLoader
{
    /// <summary>Loads, overrides, binds and validates <paramref name="path"/>.</summary>
    /// <param name="path">The experiment file (e.g. experiments/quickstart.json).</param>
    /// <param name="overrides">"key=value" texts, applied in order: <c>training.optimizer.learningRate=0.01</c>,
    /// <c>seeds=[0,1,2]</c>, <c>losses.0.options.delta=2</c>, <c>model.hidden=[256,128]</c>.</param>
    public static LoadedConfig Load(string path, IReadOnlyList<string>? overrides = null)
    {
        string full;
        byte[] bytes;
        try
        {
            full = Path.GetFullPath(path);
            if (Directory.Exists(full)) throw new ConfigException($"{path}: is a folder; give an experiment file such as experiments/quickstart.json.");
            if (!File.Exists(full)) throw new ConfigException($"{path}: no such file; give an experiment file such as experiments/quickstart.json.");
            bytes = File.ReadAllBytes(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ConfigException($"{path}: cannot be read: {e.Message}", null, e);
        }
        var positions = JsonPreScan.Check(bytes, path);

        var directory = Path.GetDirectoryName(full)!;
        IConfigurationRoot file;
        try
        {
            file = new ConfigurationBuilder()
                .SetBasePath(directory)
                .AddJsonFile(Path.GetFileName(full), optional: false, reloadOnChange: false)
                .Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or IOException)
        {
            // The pre-scan catches what the provider rejects; this is the fallback for anything it misses.
            throw new ConfigException($"{path}: cannot be read as a configuration: {e.Message}", null, e.InnerException ?? e);
        }
        var notices = new List<string>();
        try
        {
            var config = FromFlat(Flatten(file), overrides ?? [], directory, notices);
            return new LoadedConfig(config, directory, full, notices);
        }
        catch (ConfigException e)
        {
            // Each problem points at the file, except those at a key a --set gave: the file is not where that value came from.
            var overridden = (overrides ?? []).Select(o => o.Split('=')[0].Trim()).ToList();
            bool FromOverride(ConfigException p) => p.KeyPath is { } k &&
                overridden.Any(o => string.Equals(k, o, StringComparison.OrdinalIgnoreCase) || k.StartsWith(o + ".", StringComparison.OrdinalIgnoreCase));
            throw ConfigException.Of((e.Problems.Count > 0 ? e.Problems : [e]).Select(p => FromOverride(p) ? p : positions.Locate(p)).ToList());
        }
    }

    /// <summary>
    /// Applies overrides to the flat key/value form of a configuration (':'-separated keys), binds and
    /// validates. <see cref="Load"/> uses it; tests and callers with in-memory settings can too.
    /// </summary>
    /// <param name="settings">The flat settings.</param>
    /// <param name="overrides">"key=value" overrides.</param>
    /// <param name="baseDirectory">Folder of the config file, where a CSV named in it is read to infer its task; null: no inference.</param>
    /// <param name="notices">Receives what loading decided on the user's behalf.</param>
    public static ExperimentConfig FromFlat(IEnumerable<KeyValuePair<string, string?>> settings, IReadOnlyList<string> overrides,
        string? baseDirectory = null, List<string>? notices = null)
    {
        var flat = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var kv in settings) flat[kv.Key] = kv.Value;
        var origins = ConfigOverrides.Apply(flat, overrides);

        // Lists were replaced in the dictionary above, so one in-memory layer holds the final settings.
        var merged = new ConfigurationBuilder().AddInMemoryCollection(flat).Build();
        var binder = new StrictBinder(keyPath => DescribeOrigin(keyPath, origins));
        var config = binder.Bind(merged);
        var problems = binder.Problems;
        // The task decides which losses, metrics and corruptions apply, so it is settled before validation.
        if (baseDirectory != null && ConfigVocabulary.Is(config.Dataset.Name, "csv") && string.IsNullOrWhiteSpace(config.Dataset.Csv.Task)
            && !string.IsNullOrWhiteSpace(config.Dataset.Csv.Path) && Data.CsvTaskInference.Infer(config.Dataset.Csv, baseDirectory) is { } inferred)
        {
            config = config with { Dataset = config.Dataset with { Csv = config.Dataset.Csv with { Task = inferred.Task } } };
            notices?.Add($"dataset.csv.task: {inferred.Task}, inferred: {inferred.Reason}; set dataset.csv.task to override.");
        }
        // Plugins' losses must be registered before the validator looks loss names up; when one fails to load, the
        // unknown-loss problems it would cause are noise, so its own problem is reported without them.
        config = LoadPlugins(config, baseDirectory, problems, out var pluginFailed);
        if (pluginFailed) throw ConfigException.Of(problems);
        try
        {
            var valid = ConfigValidator.Validate(config);
            if (problems.Count == 0) return valid;
        }
        catch (ConfigException e)
        {
            // The validator's problems join the binding problems, except those that only echo one of them (a key
            // that failed to bind and kept its default); each says which --set gave its value, if one did.
            foreach (var found in e.Problems.Count > 0 ? e.Problems : [e])
            {
                if (problems.Any(p => p.KeyPath != null && p.KeyPath == found.KeyPath)) continue;
                problems.Add(found.KeyPath is { } keyPath && DescribeOrigin(keyPath, origins) is { Length: > 0 } origin
                    ? new ConfigException(found.Message + origin, keyPath, found.InnerException) : found);
            }
        }
        throw ConfigException.Of(problems);
    }

    static ExperimentConfig LoadPlugins(ExperimentConfig config, string? baseDirectory, List<ConfigException> problems, out bool failed)
    {
        failed = false;
        var absolute = new List<string>();
        for (int i = 0; i < config.Plugins.Count; i++)
        {
            var path = config.Plugins[i];
            try
            {
                LossPlugins.Load(path, baseDirectory);
                absolute.Add(Path.GetFullPath(path, baseDirectory ?? Directory.GetCurrentDirectory()));
            }
            catch (PluginException e)
            {
                failed = true;
                problems.Add(new ConfigException($"plugins.{i}: {e.Message}", $"plugins.{i}", e));
            }
        }
        return failed ? config : config with { Plugins = absolute };
    }

    static IEnumerable<KeyValuePair<string, string?>> Flatten(IConfiguration configuration) =>
        configuration.AsEnumerable().Where(kv => configuration.GetSection(kv.Key).GetChildren().Any() == false);

    /// <summary>" (set by --set X)" when an override set this key path or one above it.</summary>
    static string DescribeOrigin(string keyPath, IReadOnlyDictionary<string, string> origins)
    {
        if (origins.Count == 0) return "";
        var segments = keyPath.Split('.');
        for (int n = segments.Length; n > 0; n--)
            if (origins.TryGetValue(string.Join(":", segments.Take(n)), out var text))
                return $" (set by --set {text})";
        return "";
    }
}
