using Harness.Config;
using Xunit;

namespace Harness.Tests.Config;

/// <summary>Writes config texts to a temporary folder and loads them.</summary>
internal static class ConfigFiles
{
    static readonly string Folder = Directory.CreateTempSubdirectory("harness-config-tests-").FullName;
    static int counter;

    /// <summary>A small valid experiment (digits, two losses).</summary>
    public const string Base = """
        {
          "$schema": "./experiment.schema.json",
          "name": "base",
          "dataset": { "name": "digits" },
          "model": { "kind": "mlp", "hidden": [32, 16] },
          "training": { "epochs": 3, "batchSize": 16, "optimizer": { "name": "adam", "learningRate": 0.001 } },
          "seeds": [0, 1, 2],
          "losses": [
            { "loss": "cross-entropy", "displayName": "CE" },
            { "loss": "huber", "activation": "softmax", "targetEncoding": "one-hot", "options": { "delta": 1.5 } }
          ]
        }
        """;

    public static string Write(string text, string extension = ".json")
    {
        var path = Path.Combine(Folder, $"config{Interlocked.Increment(ref counter)}{extension}");
        File.WriteAllText(path, text);
        return path;
    }

    public static ExperimentConfig Load(string text, params string[] overrides) => ConfigLoader.Load(Write(text), overrides).Config;

    /// <summary>
    /// The message of the ConfigException that loading throws, without the file positions in front of each problem
    /// (AllConfigErrorsAtOnceTests checks those), so tests read the problem itself.
    /// </summary>
    public static string Error(string text, params string[] overrides) =>
        System.Text.RegularExpressions.Regex.Replace(Assert.Throws<ConfigException>(() => Load(text, overrides)).Message,
            @"(?m)^(  - )?[^\n]*?\.json: line \d+, column \d+: (?=[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*: )", "$1");
}
