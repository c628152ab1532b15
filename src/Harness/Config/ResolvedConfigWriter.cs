using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomLosses.Catalog;

using Harness.Losses;

namespace Harness.Config;

/// <summary>
/// The configuration as it was run (after overrides and defaults), as indented JSON with camelCase keys, for
/// writing next to the results. Every key is written, defaults included, so a run can be repeated from this
/// file alone (<c>harness run results/x/config.json</c> gives the same configuration). Loss options are
/// written with the types the registry gives them (numbers, booleans, lists), not as text.
/// </summary>
public static class ResolvedConfigWriter
{
    static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The configuration as indented JSON (ends with a newline).</summary>
    public static string Write(ExperimentConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var node = JsonSerializer.SerializeToNode(config, Options)!.AsObject();
        if (node["losses"] is JsonArray losses)
            for (int i = 0; i < losses.Count && i < config.Losses.Count; i++)
                if (losses[i] is JsonObject entry)
                    entry["options"] = TypedOptions(config.Losses[i]);
        return node.ToJsonString(Options) + "\n";
    }

    /// <summary>The given options with their registry types ("2" -> 2, "[1,2]" -> [1, 2]); text as given where the loss is unknown.</summary>
    static JsonObject TypedOptions(LossEntryConfig entry)
    {
        var result = new JsonObject();
        ResolvedLossOptions? resolved = null;
        try
        {
            resolved = LossEntryOptions.Resolve(LossRegistry.Get(LossReference.Parse(entry.Loss).Name), entry.Options);
        }
        catch (LossOptionException) { }
        foreach (var (key, text) in entry.Options)
        {
            object? value = text;
            var match = resolved?.Values.FirstOrDefault(kv => string.Equals(kv.Key, key, StringComparison.OrdinalIgnoreCase));
            // Text stays as given: a choice may be an alias that stands for more than its resolved value
            // (kl-div's reduction "batchmean" resolves to mean with batchmean set).
            if (match is { Key: not null } m && m.Value is not string) value = m.Value;
            result[key] = value switch
            {
                double d => JsonValue.Create(d),
                long l => JsonValue.Create(l),
                bool b => JsonValue.Create(b),
                double[] v => new JsonArray(v.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray()),
                null => null,
                _ => JsonValue.Create(value.ToString()),
            };
        }
        return result;
    }
}
