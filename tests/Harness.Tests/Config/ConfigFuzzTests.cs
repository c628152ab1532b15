using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Harness.Config;
using Xunit;

namespace Harness.Tests.Config;

/// <summary>One fuzzed input: a config text, overrides, and what was done to produce them (shown on failure).</summary>
public sealed record FuzzCase(string Json, string[] Overrides, string Story)
{
    /// <inheritdoc />
    public override string ToString() => $"{Story}\n--set {string.Join(" --set ", Overrides)}\n{Json}";
}

/// <summary>
/// Random and mutated configs: valid experiments with keys dropped, duplicated (in another case), renamed
/// to near misses, values replaced by values of other types or out-of-range ones, text truncated or with a
/// character changed, and random overrides. Mutations are drawn from a seed FsCheck generates, so a
/// failing case is reproducible from its printed seed.
/// </summary>
public static class FuzzCases
{
    static readonly string[] Bases =
    [
        ConfigFiles.Base,
        File.ReadAllText(Path.Combine(RepositoryPaths.Root, "experiments", "quickstart.json")),
        """{ "name": "r", "dataset": { "name": "diabetes", "corruption": { "outlierFraction": 0.1 } },""" +
            """ "losses": [ { "loss": "huber", "options": { "delta": 2 } }, { "loss": "builtin:mse" } ], "seeds": [3] }""",
        """{ "name": "b", "dataset": { "name": "csv", "csv": { "path": "x.csv", "task": "classification" } }, "model": { "kind": "linear" },""" +
            """ "losses": [ { "loss": "hinge" }, { "loss": "cross-entropy", "options": { "weight": [1, 2] } } ] }""",
    ];

    static readonly string[] Keys =
    [
        "name", "description", "dataset", "model", "training", "losses", "seeds", "device", "threads", "convergenceTarget", "output", "baseline",
        "epochs", "batchSize", "optimizer", "learningRate", "momentum", "kind", "hidden", "loss", "options", "displayName", "activation",
        "targetEncoding", "delta", "weight", "gamma", "alpha", "label_smoothing", "corruption", "labelNoise", "classes", "$schema", "",
        "optimiser", "Epochs", "LOSSES", "0", "1",
    ];

    static readonly string[] Paths =
    [
        "name", "seeds", "training.epochs", "training.optimizer.learningRate", "training.optimizer.name", "model.hidden", "model.kind",
        "losses.0.loss", "losses.1.options.delta", "losses.0.options.weight", "losses.3", "dataset.name", "dataset.synthetic.classes",
        "dataset.corruption.labelNoise", "convergenceTarget", "losses", "training", "threads", "x.y", "losses.-1.loss", "seeds.0",
    ];

    static JsonNode? RandomValue(Random r, int depth = 0) => r.Next(depth > 2 ? 9 : 12) switch
    {
        0 => JsonValue.Create(r.Next(-5, 20)),
        1 => JsonValue.Create(r.NextDouble() * 4 - 2),
        2 => JsonValue.Create(
            Pick(r, ["ten", "", "adam", "mse", "digits", "builtin:huber", "builtin:", "NaN", "Infinity", "1e999", "[1,2]", "..", "a:b", "ü"])),
        3 => JsonValue.Create(r.Next(2) == 0),
        4 => null,
        5 => JsonValue.Create(1e300 * (r.Next(2) == 0 ? 1 : -1)),
        6 => JsonValue.Create(long.MaxValue),
        7 => JsonValue.Create(Pick(r, Keys)),
        8 => JsonValue.Create(r.Next(0, 3) - 1e-9),
        9 => new JsonArray(Enumerable.Range(0, r.Next(4)).Select(_ => RandomValue(r, depth + 1)).ToArray()),
        10 => new JsonObject(Enumerable.Range(0, r.Next(3))
            .Select(_ => KeyValuePair.Create(Pick(r, Keys) + r.Next(3), RandomValue(r, depth + 1))).DistinctBy(kv => kv.Key.ToLowerInvariant())),
        _ => new JsonArray(JsonValue.Create(0), JsonValue.Create(0)),
    };

    static T Pick<T>(Random r, IReadOnlyList<T> items) => items[r.Next(items.Count)];

    /// <summary>Every container node of the tree, root first.</summary>
    static List<JsonNode> Containers(JsonNode root)
    {
        var all = new List<JsonNode>();
        void Visit(JsonNode? n)
        {
            if (n is JsonObject o) { all.Add(o); foreach (var kv in o.ToList()) Visit(kv.Value); }
            else if (n is JsonArray a) { all.Add(a); foreach (var x in a.ToList()) Visit(x); }
        }
        Visit(root);
        return all;
    }

    static string Mutate(Random r, JsonNode root, List<string> story)
    {
        var target = Pick(r, Containers(root));
        switch (r.Next(6))
        {
            case 0 when target is JsonObject o && o.Count > 0:
            {
                var key = o.ElementAt(r.Next(o.Count)).Key;
                o.Remove(key);
                return $"drop {key}";
            }
            case 1 when target is JsonObject o && o.Count > 0:
            {
                var (key, value) = o.ElementAt(r.Next(o.Count));
                var twin = key.ToUpperInvariant() == key ? key.ToLowerInvariant() : key.ToUpperInvariant();
                if (twin == key) return "duplicate (no twin)";
                o[twin] = value?.DeepClone();
                return $"duplicate {key} as {twin}";
            }
            case 2 when target is JsonObject o && o.Count > 0:
            {
                var key = o.ElementAt(r.Next(o.Count)).Key;
                o[key] = RandomValue(r);
                return $"retype {key} = {o[key]?.ToJsonString() ?? "null"}";
            }
            case 3 when target is JsonArray a && a.Count > 0:
            {
                int i = r.Next(a.Count);
                a[i] = RandomValue(r);
                return $"retype [{i}]";
            }
            case 4 when target is JsonArray a:
                a.Add(RandomValue(r));
                return "append";
            case 5 when target is JsonObject o:
            {
                var key = Pick(r, Keys);
                if (o.Any(kv => string.Equals(kv.Key, key, StringComparison.OrdinalIgnoreCase)))
                    o.Remove(o.First(kv => string.Equals(kv.Key, key, StringComparison.OrdinalIgnoreCase)).Key);
                o[key] = RandomValue(r);
                return $"set {key}";
            }
            default:
                return "no-op";
        }
    }

    static string RandomOverride(Random r)
    {
        var value = r.Next(8) switch
        {
            0 => "[]",
            1 => "[1,2",
            2 => "{\"loss\": \"mse\"}",
            3 => "null",
            4 => r.Next(-3, 100).ToString(System.Globalization.CultureInfo.InvariantCulture),
            5 => "[a, b]",
            6 => "\"unterminated",
            _ => RandomValue(r)?.ToJsonString() ?? "null",
        };
        return r.Next(10) == 0 ? value : $"{Pick(r, Paths)}={value}";
    }

    public static FuzzCase Make(int seed)
    {
        var r = new Random(seed);
        var story = new List<string> { $"seed {seed}" };
        string json;
        if (r.Next(10) == 0)
        {
            // Pure noise: random bytes of JSON-ish characters.
            const string alphabet = "{}[]\":,0123456789.-eEtruefalsn \n\\ab";
            json = new string(Enumerable.Range(0, r.Next(40)).Select(_ => alphabet[r.Next(alphabet.Length)]).ToArray());
            story.Add("noise");
        }
        else
        {
            var root = JsonNode.Parse(
                Pick(r, Bases), documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!;
            for (int i = r.Next(4); i > 0; i--) story.Add(Mutate(r, root, story));
            json = root.ToJsonString();
            switch (r.Next(8))
            {
                case 0: json = json[..r.Next(json.Length + 1)]; story.Add("truncated"); break;
                case 1 when json.Length > 0:
                {
                    int at = r.Next(json.Length);
                    json = json[..at] + "{}[],:\"x0 \n"[r.Next(11)] + json[(at + 1)..];
                    story.Add($"char at {at}");
                    break;
                }
            }
        }
        var overrides = Enumerable.Range(0, r.Next(3) == 0 ? r.Next(1, 4) : 0).Select(_ => RandomOverride(r)).ToArray();
        return new FuzzCase(json, overrides, string.Join("; ", story));
    }

    public static Arbitrary<FuzzCase> Cases() => Gen.Choose(0, int.MaxValue - 1).Select(Make).ToArbitrary();
}

public class ConfigFuzzTests
{
    [Property(MaxTest = 200, Arbitrary = [typeof(FuzzCases)], QuietOnSuccess = true)]
    public void Any_input_ends_in_a_config_or_a_ConfigException(FuzzCase input)
    {
        var path = ConfigFiles.Write(input.Json);
        try
        {
            var loaded = ConfigLoader.Load(path, input.Overrides);
            Assert.NotNull(loaded.Config);
            // What loads can be written and loaded again.
            ResolvedConfigWriter.Write(loaded.Config);
        }
        catch (ConfigException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
            // One line per problem: a value echoed back never breaks a message in two.
            if (e.Problems.Count == 0) Assert.DoesNotContain('\n', e.Message);
            else
            {
                Assert.All(e.Problems, p => Assert.DoesNotContain('\n', p.Message));
                Assert.Equal(e.Problems.Count + 1, e.Message.Split('\n').Length);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Some_fuzzed_inputs_load_and_some_fail()
    {
        int loaded = 0, failed = 0;
        for (int seed = 0; seed < 200; seed++)
        {
            var c = FuzzCases.Make(seed);
            try { ConfigFiles.Load(c.Json, c.Overrides); loaded++; }
            catch (ConfigException) { failed++; }
        }
        // The generator must exercise both outcomes, or the property above proves little.
        Assert.InRange(loaded, 10, 190);
        Assert.InRange(failed, 10, 190);
    }
}
