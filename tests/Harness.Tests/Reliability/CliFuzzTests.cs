using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Harness.Tests.Cli;
using Xunit;
using Xunit.Abstractions;

namespace Harness.Tests.Reliability;

/// <summary>
/// Hostile use of the real CLI (issue 17): random mutations of configs, command-line arguments and small data files
/// (CSV and IDX), each run as a separate <c>harness</c> process. Every outcome must be a documented exit code (0, 2, 3,
/// 4), print no stack trace, leave no results folder behind when it refused the input (exit 2), and leave an existing
/// results folder byte-identical unless the run owned it (--force or --resume that succeeded). The default run is
/// bounded to about a minute with a fixed seed; set HARNESS_FUZZ_CASES (and HARNESS_FUZZ_SEED) for a longer soak.
/// </summary>
[Trait("Category", TestCategory.Slow)]
public class CliFuzzTests(ITestOutputHelper output)
{
    const int DefaultCases = 40;

    const string DigitsConfig = """
    {
      "name": "fz",
      "dataset": { "name": "digits", "trainLimit": 120 },
      "model": { "kind": "mlp", "hidden": [4] },
      "training": { "epochs": 1, "batchSize": 32, "optimizer": { "name": "adam", "learningRate": 0.01 } },
      "seeds": [0],
      "losses": [
        { "loss": "cross-entropy", "displayName": "CE" },
        { "loss": "huber", "activation": "softmax", "targetEncoding": "one-hot", "options": { "delta": 1.0 } }
      ]
    }
    """;

    const string CsvConfig = """
    {
      "name": "fz",
      "dataset": { "name": "csv", "csv": { "path": "data.csv", "targetColumn": "label" } },
      "model": { "kind": "mlp", "hidden": [4] },
      "training": { "epochs": 1, "batchSize": 16 },
      "seeds": [0],
      "losses": [ { "loss": "cross-entropy", "displayName": "CE" } ]
    }
    """;

    const string IdxConfig = """
    {
      "name": "fz",
      "dataset": { "name": "mnist", "root": "idx" },
      "model": { "kind": "cnn", "hidden": [4] },
      "training": { "epochs": 1, "batchSize": 16 },
      "seeds": [0],
      "losses": [ { "loss": "cross-entropy", "displayName": "CE" } ]
    }
    """;

    static readonly string[] ExtremeNumbers =
        ["0", "-1", "1e300", "-1e300", "3.5e38", "1e-300", "2147483648", "-2147483648", "0.5", "100000", "\"x\"", "null", "[]", "{}", "true"];
    static readonly string[] SetKeys =
    [
        "training.epochs", "training.batchSize", "seeds", "threads", "model.kind", "model.hidden", "model.dropout", "model.batchNorm",
        "losses.1.options.delta", "losses.0.loss", "dataset.validationFraction", "dataset.trainLimit", "training.optimizer.learningRate",
        "training.earlyStopping.enabled", "convergenceTarget", "name", "output",
    ];
    static readonly string[] SetValues = ["0", "1", "-1", "1e300", "nan", "[0,1]", "[-5]", "[]", "null", "cnn", "bogus", "true", "2", "0.99", "..", "a/b"];

    static string Csv(Random r)
    {
        var sb = new StringBuilder("a,b,c,label\n");
        for (int i = 0; i < 60; i++)
            sb.Append(CultureInfo.InvariantCulture, $"{r.NextDouble():F3},{r.NextDouble():F3},{r.Next(5)},{(i % 3 == 0 ? "x" : i % 3 == 1 ? "y" : "z")}\n");
        return sb.ToString();
    }

    /// <summary>One random change to a CSV file's text or bytes.</summary>
    static byte[] MutateCsv(Random r, string csv)
    {
        var lines = csv.Split('\n').ToList();
        switch (r.Next(8))
        {
            case 0: lines[1 + r.Next(lines.Count - 2)] = "1e308,2,3,x"; break;
            case 1: lines[1 + r.Next(lines.Count - 2)] = "1,,3"; break;
            case 2: lines.RemoveRange(1, lines.Count - 1); break;
            case 3: return Encoding.Unicode.GetBytes(csv);
            case 4: return [];
            case 5: lines[0] = "a,a,b,label"; break;
            case 6: lines[1 + r.Next(lines.Count - 2)] = "nan,inf,-inf,x"; break;
            default:
                var bytes = Encoding.UTF8.GetBytes(csv);
                for (int i = 0; i < 5; i++) bytes[r.Next(bytes.Length)] = (byte)r.Next(256);
                return bytes;
        }
        return Encoding.UTF8.GetBytes(string.Join('\n', lines));
    }

    /// <summary>One random change to the IDX training images file.</summary>
    static void MutateIdx(Random r, string folder)
    {
        var path = Path.Combine(folder, "train-images-idx3-ubyte");
        var bytes = File.ReadAllBytes(path);
        switch (r.Next(5))
        {
            case 0: bytes = bytes[..(16 + r.Next(bytes.Length - 16))]; break;
            case 1: BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), 0); break;
            case 2: BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), r.Next(2) == 0 ? 14 : 100000); break;
            case 3: BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(0), 0x00000801); break;
            default: bytes = bytes[..r.Next(16)]; break;
        }
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>One random change to a config: a key removed, set to null or an extreme, a type changed, or a list item duplicated.</summary>
    static string MutateConfig(Random r, string json)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        var nodes = new List<JsonNode>();
        void Walk(JsonNode? n)
        {
            if (n == null) return;
            nodes.Add(n);
            if (n is JsonObject o) foreach (var kv in o.ToList()) Walk(kv.Value);
            if (n is JsonArray a) foreach (var x in a.ToList()) Walk(x);
        }
        Walk(root);
        var target = nodes[1 + r.Next(nodes.Count - 1)];
        var parent = target.Parent!;
        JsonNode? replacement = r.Next(4) switch
        {
            0 => null,
            1 => JsonNode.Parse(ExtremeNumbers[r.Next(ExtremeNumbers.Length)]),
            2 => target is JsonArray arr && arr.Count > 0 ? new JsonArray([.. arr.Select(x => x?.DeepClone()), arr[0]?.DeepClone()]) : JsonValue.Create("junk"),
            _ => JsonValue.Create("\u0000\uFFFF"),
        };
        if (parent is JsonObject po)
        {
            var key = po.First(kv => ReferenceEquals(kv.Value, target)).Key;
            if (r.Next(5) == 0) po.Remove(key);
            else po[key] = replacement;
        }
        else if (parent is JsonArray pa)
        {
            pa[pa.IndexOf(target)] = replacement;
        }
        return root.ToJsonString();
    }

    [Fact]
    public void Random_configs_arguments_and_data_through_the_real_cli_end_in_documented_outcomes()
    {
        var cases = int.TryParse(Environment.GetEnvironmentVariable("HARNESS_FUZZ_CASES"), out var n) ? n : DefaultCases;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("HARNESS_FUZZ_SEED"), out var s) ? s : 17;
        var r = new Random(seed);
        var dir = HarnessProcess.TempFolder();
        var findings = new List<string>();
        var outcomes = new Dictionary<int, int>();
        var watch = Stopwatch.StartNew();
        try
        {
            // The folder a careless command could damage: results of a real run, snapshotted.
            var guardConfig = Path.Combine(dir, "guard.json");
            File.WriteAllText(guardConfig, DigitsConfig);
            var first = HarnessProcess.Run(dir, "run", guardConfig, "--output", "guard");
            Assert.True(first.ExitCode == 0, first.StdOut + first.StdErr);
            var guard = Path.Combine(dir, "guard", "fz");
            var guardSnapshot = FolderSnapshot.Of(guard);

            for (int i = 0; i < cases; i++)
            {
                var caseDir = Path.Combine(dir, "c" + i);
                Directory.CreateDirectory(caseDir);
                var kind = r.Next(3);
                var json = kind switch { 0 => DigitsConfig, 1 => CsvConfig, _ => IdxConfig };
                var csv = Csv(r);
                File.WriteAllText(Path.Combine(caseDir, "data.csv"), csv);
                IdxFiles.Write(Path.Combine(caseDir, "idx"), rows: 8, cols: 8, train: 60, test: 20);
                var what = new List<string> { kind switch { 0 => "digits", 1 => "csv", _ => "idx" } };
                // Mutate nothing (a valid run, perhaps into the guarded folder) up to two things.
                for (int m = r.Next(3); m > 0; m--)
                {
                    switch (r.Next(4))
                    {
                        case 0: json = MutateConfig(r, json); what.Add("config"); break;
                        case 1 when kind == 1: File.WriteAllBytes(Path.Combine(caseDir, "data.csv"), MutateCsv(r, csv)); what.Add("csv"); break;
                        case 1 when kind == 2: MutateIdx(r, Path.Combine(caseDir, "idx")); what.Add("idx"); break;
                        default: what.Add("args"); break;
                    }
                }
                var config = Path.Combine(caseDir, "fz.json");
                File.WriteAllText(config, json);

                var intoGuard = kind == 0 && r.Next(2) == 0;
                var outputRoot = intoGuard ? Path.Combine(dir, "guard") : Path.Combine(caseDir, "out");
                var args = new List<string> { "run", config, "--output", outputRoot };
                if (what.Contains("args"))
                {
                    for (int a = 1 + r.Next(3); a > 0; a--)
                    {
                        switch (r.Next(7))
                        {
                            case 0: args.Add("--force"); break;
                            case 1: args.Add("--resume"); break;
                            case 2: args.AddRange(["--shard", new[] { "1/2", "2/2", "0/2", "3/2", "x", "1/1" }[r.Next(6)]]); break;
                            case 3: args.AddRange(["--set", $"{SetKeys[r.Next(SetKeys.Length)]}={SetValues[r.Next(SetValues.Length)]}"]); break;
                            case 4 when args[0] == "run": args[3] = new[] { "", Path.Combine(caseDir, "fz.json"), "/proc/harness-nope" }[r.Next(3)]; break;
                            case 5: args.AddRange(["--device", "bogus"]); break;
                            default: args = ["report", intoGuard ? guard : Path.Combine(caseDir, "out", "fz")]; break;
                        }
                    }
                }
                var (code, stdout, stderr) = HarnessProcess.Run(caseDir, [.. args]);
                outcomes[code] = outcomes.GetValueOrDefault(code) + 1;
                var label = $"case {i} ({string.Join("+", what)}): harness {string.Join(" ", args.Select(x => x.Replace(dir, "$DIR")))} -> exit {code}";
                output.WriteLine(label);
                if (code is not (0 or 2 or 3 or 4)) findings.Add($"{label}: undocumented exit code\n{stderr}");
                if ((stdout + stderr).Contains("   at ", StringComparison.Ordinal)) findings.Add($"{label}: stack trace\n{stderr}");
                if (code == 2 && !intoGuard && args[0] == "run")
                {
                    var results = Path.Combine(outputRoot, "fz");
                    if (Directory.Exists(results)) findings.Add($"{label}: refused, yet left the results folder {results}");
                }
                var owned = code is 0 or 3 && args[0] == "run" && (args.Contains("--force") || args.Contains("--resume"));
                var after = FolderSnapshot.Of(guard);
                if (owned) guardSnapshot = after;
                else if (!guardSnapshot.SequenceEqual(after))
                {
                    // A report rewrites its own files; everything else must be untouched.
                    var changed = FolderSnapshot.Diff(guardSnapshot, after);
                    if (!(args[0] == "report" && code == 0)) findings.Add($"{label}: changed the existing results folder: {changed}");
                    guardSnapshot = after;
                }
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
        output.WriteLine($"{cases} cases (seed {seed}) in {watch.Elapsed.TotalSeconds:F0} s; exit codes: " +
                         string.Join(", ", outcomes.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}")));
        Assert.True(findings.Count == 0, string.Join("\n\n", findings));
    }
}
