using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Harness.Config;

/// <summary>
/// The configuration as it was run (after overrides and defaults), as indented JSON with camelCase keys, for
/// writing next to the results. Every key is written, defaults included, so a run can be repeated from this
/// file alone (<c>harness run results/x/config.json</c> gives the same configuration). Loss options are
/// written with the types the validator resolved them to (numbers, booleans, lists; <see cref="LossEntryConfig.ResolvedOptions"/>), not as text.
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

    /// <summary>
    /// The given options with the types the validator resolved them to ("2" -> 2, "[1,2]" -> [1, 2]); the text as given
    /// for an entry that was not validated.
    /// </summary>
    static JsonObject TypedOptions(LossEntryConfig entry)
    {
        var result = new JsonObject();
        var options = entry.ResolvedOptions?.Typed() ?? entry.Options.Select(kv => KeyValuePair.Create(kv.Key, (object?)kv.Value));
        foreach (var (key, value) in options)
        {
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
