using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Harness.Config;
using Json.Schema;
using Xunit;

namespace Harness.Tests.Config;

/// <summary>experiments/experiment.schema.json is kept in step with the config records, and every shipped experiment obeys it.</summary>
public class SchemaTests
{
    static readonly string SchemaPath = Path.Combine(RepositoryPaths.Root, "experiments", "experiment.schema.json");
    static readonly JsonObject Schema = JsonNode.Parse(File.ReadAllText(SchemaPath))!.AsObject();
    // Built once: JsonSchema.Net registers a schema by its $id and refuses to register it twice.
    static readonly JsonSchema Compiled = JsonSchema.FromFile(SchemaPath);

    /// <summary>Follows a local "$ref" ("#/$defs/x").</summary>
    static JsonObject Resolve(JsonObject node)
    {
        if (node["$ref"] is JsonValue r)
        {
            var name = r.GetValue<string>().Replace("#/$defs/", "");
            return Schema["$defs"]![name]!.AsObject();
        }
        return node;
    }

    static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    // The config sections: *Config records in Config and (the dataset section) in Data.
    static bool IsRecord(Type t) => t.IsClass && t != typeof(string) && t.Name.EndsWith("Config", StringComparison.Ordinal)
        && (t.Namespace == typeof(ExperimentConfig).Namespace || t.Namespace == typeof(Harness.Data.DatasetConfig).Namespace);

    static string JsonType(Type t) =>
        t == typeof(int) ? "integer" : t == typeof(double) ? "number" : t == typeof(bool) ? "boolean" : t == typeof(string) ? "string" :
        t == typeof(double?) ? "number|null" : t == typeof(int?) ? "integer|null" :
        t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? "array" :
        t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>) ? "object" :
        IsRecord(t) ? "object" : throw new InvalidOperationException(t.ToString());

    static string SchemaType(JsonObject node) => node["type"] switch
    {
        JsonArray a => string.Join("|", a.Select(x => x!.GetValue<string>())),
        JsonValue v => v.GetValue<string>(),
        _ => "?",
    };

    /// <summary>Walks a record type and its schema object together; returns every mismatch as text.</summary>
    static void Walk(Type type, JsonObject schemaNode, string path, List<string> problems)
    {
        schemaNode = Resolve(schemaNode);
        if (schemaNode["additionalProperties"]?.GetValue<bool>() != false)
            problems.Add($"{path}: schema object lacks additionalProperties: false");
        if (schemaNode["description"] is null) problems.Add($"{path}: no description");
        var schemaProperties = schemaNode["properties"]!.AsObject();
        var recordProperties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToList();
        var defaults = Activator.CreateInstance(type)!;

        foreach (var name in schemaProperties.Select(p => p.Key))
            if (!(path.Length == 0 && name == "$schema") && !recordProperties.Any(p => Camel(p.Name) == name))
                problems.Add($"{Join(path, name)}: in the schema but not in {type.Name}");
        foreach (var property in recordProperties)
        {
            var key = Camel(property.Name);
            var at = Join(path, key);
            if (schemaProperties[key] is not JsonObject node) { problems.Add($"{at}: in {type.Name} but not in the schema"); continue; }
            var resolved = Resolve(node);
            var expectedType = JsonType(property.PropertyType);
            if (SchemaType(resolved) != expectedType && !(IsRecord(property.PropertyType) && resolved["type"]?.GetValue<string>() == "object"))
                problems.Add($"{at}: type {SchemaType(resolved)} in the schema, {expectedType} in {type.Name}");
            if (resolved["description"] is null) problems.Add($"{at}: no description");

            if (IsRecord(property.PropertyType))
            {
                Walk(property.PropertyType, node, at, problems);
                continue;
            }
            // The schema's default is the record's default.
            var recordDefault = JsonSerializer.SerializeToNode(property.GetValue(defaults), property.PropertyType);
            if (!resolved.ContainsKey("default")) problems.Add($"{at}: no default");
            else if (!JsonNode.DeepEquals(Normalize(resolved["default"]), Normalize(recordDefault)))
                problems.Add($"{at}: default {resolved["default"]?.ToJsonString() ?? "null"} in the schema, " +
                             $"{recordDefault?.ToJsonString() ?? "null"} in {type.Name}");

            if (property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
            {
                var element = property.PropertyType.GetGenericArguments()[0];
                var items = Resolve(resolved["items"]!.AsObject());
                if (IsRecord(element)) Walk(element, items, at + "[]", problems);
                else if (SchemaType(items) != JsonType(element)) problems.Add($"{at}[]: item type {SchemaType(items)} vs {JsonType(element)}");
            }
        }
    }

    // 1.0 and 1 are the same default.
    static JsonNode? Normalize(JsonNode? n) =>
        n is JsonValue v && v.TryGetValue<double>(out var d) ? JsonValue.Create(d) :
        n is JsonArray a ? new JsonArray(a.Select(Normalize).ToArray()) : n?.DeepClone();

    static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    [Fact]
    public void Schema_and_records_have_the_same_properties_types_and_defaults()
    {
        var problems = new List<string>();
        Walk(typeof(ExperimentConfig), Schema, "", problems);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Schema_enums_are_the_validators_names()
    {
        JsonNode Def(string path) => path.Split('/').Aggregate((JsonNode)Schema, (n, k) => n[k]!);
        void Same(string path, IReadOnlyList<string> names, bool allowEmpty = false)
        {
            var values = Def(path)["enum"]!.AsArray().Select(x => x!.GetValue<string>()).ToList();
            Assert.Equal(allowEmpty ? names.Prepend("").ToList() : names.ToList(), values);
        }
        Same("$defs/dataset/properties/name", ConfigVocabulary.Datasets);
        Same("$defs/model/properties/kind", ConfigVocabulary.ModelKinds);
        Same("$defs/model/properties/activation", ConfigVocabulary.ModelActivations);
        Same("$defs/optimizer/properties/name", ConfigVocabulary.Optimizers);
        Same("$defs/schedule/properties/name", ConfigVocabulary.Schedules);
        Same("properties/device", ConfigVocabulary.Devices);
        Same("$defs/lossEntry/properties/activation", ConfigVocabulary.OutputActivations, allowEmpty: true);
        Same("$defs/lossEntry/properties/targetEncoding", ConfigVocabulary.TargetEncodings, allowEmpty: true);
        Same("$defs/csv/properties/task", ConfigVocabulary.CsvTasks, allowEmpty: true);
        Same("$defs/corruption/properties/labelNoiseKind", ConfigVocabulary.LabelNoiseKinds);
        Same("$defs/earlyStopping/properties/metric", ConfigVocabulary.EarlyStoppingMetrics);
        Same("$defs/corruption/properties/validation", ConfigVocabulary.CorruptionValidation);
        Same("properties/rankBy", [.. ConfigVocabulary.ClassificationRankMetrics, .. ConfigVocabulary.RegressionRankMetrics], allowEmpty: true);
    }

    public static TheoryData<string> Experiments()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "experiments"), "*.json").Order())
            if (!f.EndsWith(".schema.json", StringComparison.Ordinal)) data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Experiments))]
    public void Every_experiment_obeys_the_schema_and_loads(string file)
    {
        var path = Path.Combine(RepositoryPaths.Root, "experiments", file);
        var schema = Compiled;
        using var doc = JsonDocument.Parse(
            File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var result = schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, string.Join("\n", (result.Details ?? []).Where(d => d.Errors != null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
        // One experiment per file, named after it, so two files never write into the same results folder.
        Assert.Equal(Path.GetFileNameWithoutExtension(file), ConfigLoader.Load(path, []).Config.Name);
    }

    [Fact]
    public void Schema_rejects_what_the_loader_rejects()
    {
        var schema = Compiled;
        bool Valid(string json)
        {
            using var doc = JsonDocument.Parse(json);
            return schema.Evaluate(doc.RootElement).IsValid;
        }
        Assert.True(Valid(
            """{ "$schema": "./experiment.schema.json", "name": "a", "losses": [ { "loss": "huber", "options": { "delta": 2, "weight": [1, 2] } } ] }"""));
        Assert.False(Valid("""{ "name": "a", "losses": [ { "loss": "huber" } ], "training": { "optimiser": {} } }"""));
        Assert.False(Valid("""{ "name": "a", "losses": [ { "loss": "huber" } ], "training": { "epochs": 0 } }"""));
        Assert.False(Valid("""{ "name": "a", "losses": [ { "loss": "huber" } ], "device": "gpu" }"""));
        Assert.False(Valid("""{ "name": "..", "losses": [ { "loss": "huber" } ] }"""));
        Assert.False(Valid("""{ "name": "a", "losses": [] }"""));
        Assert.False(Valid("""{ "name": "a", "losses": [ {} ] }"""));
    }

    [Fact]
    public void Resolved_config_obeys_the_schema()
    {
        var config = ConfigLoader.Load(Path.Combine(RepositoryPaths.Root, "experiments", "quickstart.json"), []).Config;
        var schema = Compiled;
        using var doc = JsonDocument.Parse(ResolvedConfigWriter.Write(config));
        Assert.True(schema.Evaluate(doc.RootElement).IsValid);
    }
}
