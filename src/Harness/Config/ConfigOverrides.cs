using System.Globalization;
using System.Text.Json;

namespace Harness.Config;

/// <summary>
/// Hydra-style <c>--set key=value</c> overrides on the flat key/value form of a configuration
/// (Microsoft.Extensions.Configuration's ':'-separated paths). The key is a dotted path, case-insensitive,
/// with list indices as numbers (<c>losses.0.options.delta=2</c>). The value is a scalar (<c>0.01</c>,
/// <c>adam</c>, <c>"quoted text"</c>), <c>null</c> (back to the default), a list (<c>[256,128]</c>,
/// <c>[a, b]</c>) or a JSON object. A list or object value REPLACES what was there; it is never merged
/// element by element.
/// </summary>
public static class ConfigOverrides
{
    /// <summary>
    /// Applies the overrides in order to <paramref name="flat"/> (case-insensitive keys); returns, for each key path
    /// set, the override text that set it.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Apply(IDictionary<string, string?> flat, IReadOnlyList<string> overrides)
    {
        var origins = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var text in overrides)
        {
            var (key, value) = Parse(text);
            // Drop the old value and everything under it, so lists and objects are replaced.
            foreach (var old in flat.Keys.Where(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase) ||
                                                     k.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase)).ToList())
                flat.Remove(old);
            Flatten(key, value, flat);
            origins[key] = text;
        }
        return origins;
    }

    /// <summary>Splits "a.b.0.c=value" into the configuration path "a:b:0:c" and the parsed value.</summary>
    internal static (string Key, JsonElement Value) Parse(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0)
            throw new ConfigException($"--set {text}: expected key=value with a dotted key, e.g. training.optimizer.learningRate=0.01, " +
                                      "seeds=[0,1,2] or losses.0.options.delta=2.");
        var dotted = text[..eq].Trim();
        var segments = dotted.Split('.');
        if (segments.Any(s => s.Trim().Length == 0 || s.Contains(':')))
            throw new ConfigException(
                $"--set {text}: '{dotted}' is not a valid key path; use names and list indices separated by dots, e.g. losses.0.options.delta.");
        var key = string.Join(":", segments.Select(s => s.Trim()));
        return (key, ParseValue(text[(eq + 1)..].Trim(), text));
    }

    static JsonElement ParseValue(string raw, string text)
    {
        if (raw.Length > 0 && (raw[0] is '[' or '{' or '"' || raw == "null"))
        {
            try { return JsonDocument.Parse(raw, new JsonDocumentOptions { AllowTrailingCommas = true }).RootElement.Clone(); }
            catch (JsonException) when (raw[0] == '[' && raw[^1] == ']')
            {
                // Hydra's bare-word lists: [a, b] (no nesting).
                var body = raw[1..^1];
                if (body.Contains('[') || body.Contains('{'))
                    throw new ConfigException($"--set {text}: '{raw}' is not a valid list; write it as JSON, e.g. [256, 128] or [\"a\", \"b\"].");
                var items = body.Trim().Length == 0 ? [] : body.Split(',').Select(s => s.Trim().Trim('"', '\'')).ToArray();
                return JsonSerializer.SerializeToElement(items);
            }
            catch (JsonException)
            {
                throw new ConfigException($"--set {text}: '{raw}' is not valid JSON; quote text, and write lists as [1, 2] and objects as {{\"key\": 1}}.");
            }
        }
        // A bare scalar: kept as text; the binder parses numbers and booleans by the target type.
        return JsonSerializer.SerializeToElement(raw);
    }

    /// <summary>Writes a JSON value into the flat form as Microsoft.Extensions.Configuration.Json would.</summary>
    static void Flatten(string key, JsonElement value, IDictionary<string, string?> flat)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
            {
                bool any = false;
                foreach (var p in value.EnumerateObject()) { any = true; Flatten(key + ":" + p.Name, p.Value, flat); }
                if (!any) flat[key] = null;
                break;
            }
            case JsonValueKind.Array:
            {
                int i = 0;
                foreach (var item in value.EnumerateArray()) Flatten(key + ":" + (i++).ToString(CultureInfo.InvariantCulture), item, flat);
                if (i == 0) flat[key] = null;
                break;
            }
            case JsonValueKind.Null:
                flat[key] = null;
                break;
            case JsonValueKind.String:
                flat[key] = value.GetString();
                break;
            default:
                flat[key] = value.GetRawText();
                break;
        }
    }
}
