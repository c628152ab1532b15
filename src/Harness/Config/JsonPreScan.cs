using System.Text;
using System.Text.Json;
using Harness.Data;

namespace Harness.Config;

/// <summary>
/// Reads the configuration text once with System.Text.Json before Microsoft.Extensions.Configuration does,
/// because the configuration provider's own errors are poor: this one reports malformed JSON and duplicate
/// keys (keys are case-insensitive, as in the configuration) with a 1-based line and column, and rejects a
/// top level that is not an object. Same leniency as the provider: comments and trailing commas are allowed.
/// </summary>
internal static class JsonPreScan
{
    static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 64,
    };

    /// <summary>
    /// Throws <see cref="ConfigException"/> naming <paramref name="source"/>, line and column when the text is not usable;
    /// otherwise returns where each key and list entry is, for the problems found later.
    /// </summary>
    public static ConfigPositions Check(byte[] utf8, string source)
    {
        if (Utf16.Looks(utf8))
            throw new ConfigException($"{source}: the file is UTF-16 encoded; save it as UTF-8 (the harness reads configs as UTF-8).");
        var bytes = StripBom(utf8);
        bool blank = true;
        foreach (var b in bytes) if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) { blank = false; break; }
        if (blank)
            throw new ConfigException($"{source}: the file is empty; expected a JSON object {{ \"name\": ..., \"losses\": [...] }}.");
        var positions = new ConfigPositions(source, bytes.ToArray());
        var reader = new Utf8JsonReader(bytes, ReaderOptions);
        // One set of keys per open object (null for arrays), and the path for messages.
        var keys = new Stack<HashSet<string>?>();
        var path = new List<string>();
        var arrayIndex = new Stack<int>();
        try
        {
            if (!reader.Read())
                throw new ConfigException($"{source}: the file is empty; expected a JSON object {{ \"name\": ..., \"losses\": [...] }}.");
            if (reader.TokenType != JsonTokenType.StartObject)
                throw Positioned(source, bytes, reader.TokenStartIndex,
                    $"the top level must be a JSON object {{ ... }}, not {Describe(reader.TokenType)}");
            keys.Push(new HashSet<string>(StringComparer.OrdinalIgnoreCase));
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                    {
                        var name = reader.GetString() ?? "";
                        // The configuration system reads ':' as nesting, so "a:b" would silently mean a.b.
                        if (name.Contains(':'))
                            throw Positioned(source, bytes, reader.TokenStartIndex,
                                $"key '{name}' contains ':'; write nested objects instead, e.g. {{ \"training\": {{ \"epochs\": 10 }} }}");
                        var set = keys.Peek()!;
                        if (!set.Add(name))
                            throw Positioned(source, bytes, reader.TokenStartIndex,
                                $"duplicate key {Join(path, name)} (keys are case-insensitive); give each key once");
                        path.Add(name);
                        positions.Add(path, reader.TokenStartIndex);
                        break;
                    }
                    case JsonTokenType.StartObject:
                        EnterValue(path, arrayIndex, keys, positions, reader.TokenStartIndex);
                        keys.Push(new HashSet<string>(StringComparer.OrdinalIgnoreCase));
                        break;
                    case JsonTokenType.StartArray:
                        EnterValue(path, arrayIndex, keys, positions, reader.TokenStartIndex);
                        keys.Push(null);
                        arrayIndex.Push(0);
                        break;
                    case JsonTokenType.EndObject:
                        keys.Pop();
                        LeaveValue(path, arrayIndex, keys);
                        break;
                    case JsonTokenType.EndArray:
                        keys.Pop();
                        arrayIndex.Pop();
                        LeaveValue(path, arrayIndex, keys);
                        break;
                    default:
                        // A scalar: ends a property's value or an array element.
                        EnterValue(path, arrayIndex, keys, positions, reader.TokenStartIndex);
                        // The configuration provider reads null as "absent", silently taking the default: only keys whose
                        // documented values include null may be null.
                        if (reader.TokenType == JsonTokenType.Null && !MayBeNull(path))
                            throw Positioned(source, bytes, reader.TokenStartIndex,
                                $"{string.Join(".", path)} is null; give a value, or leave the key out to take its default");
                        LeaveValue(path, arrayIndex, keys);
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            long line = e.LineNumber ?? 0, bytePos = e.BytePositionInLine ?? 0;
            var reason = e.Message;
            int cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0) reason = reason[..cut];
            throw new ConfigException(
                $"{source}: malformed JSON at line {line + 1}, column {Column(bytes, line, bytePos)}: {reason.TrimEnd('.')}. " +
                "Expected JSON (comments and trailing commas are allowed).", null, e);
        }
        return positions;
    }

    // Array elements get their index as a path segment so duplicate keys inside list entries are named precisely.
    static void EnterValue(List<string> path, Stack<int> arrayIndex, Stack<HashSet<string>?> keys, ConfigPositions positions, long offset)
    {
        if (keys.Count == 0 || keys.Peek() is not null) return;
        path.Add(arrayIndex.Peek().ToString(System.Globalization.CultureInfo.InvariantCulture));
        positions.Add(path, offset);
    }

    static void LeaveValue(List<string> path, Stack<int> arrayIndex, Stack<HashSet<string>?> keys)
    {
        if (path.Count > 0) path.RemoveAt(path.Count - 1);
        if (keys.Count > 0 && keys.Peek() is null) arrayIndex.Push(arrayIndex.Pop() + 1);
    }

    /// <summary>The keys the schema documents with null among their values: no convergence target, a per-seed split, a loss option's default.</summary>
    static bool MayBeNull(List<string> path) =>
        (path.Count == 1 && Is(path[0], "convergenceTarget")) ||
        (path.Count == 2 && Is(path[0], "dataset") && Is(path[1], "seed")) ||
        (path.Count == 4 && Is(path[0], "losses") && Is(path[2], "options"));

    static bool Is(string key, string name) => string.Equals(key, name, StringComparison.OrdinalIgnoreCase);

    static string Join(List<string> path, string last) => string.Join(".", path.Append(last));

    static string Describe(JsonTokenType t) => t switch
    {
        JsonTokenType.StartArray => "a list",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "true/false",
        JsonTokenType.Null => "null",
        _ => t.ToString(),
    };

    static ReadOnlySpan<byte> StripBom(byte[] b) =>
        b.Length >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF ? b.AsSpan(3) : b;

    static ConfigException Positioned(string source, ReadOnlySpan<byte> bytes, long offset, string problem)
    {
        var (line, column) = ConfigPositions.LineColumn(bytes, offset);
        return new ConfigException($"{source}: line {line}, column {column}: {problem}.");
    }

    /// <summary>1-based character column from a 0-based line and a byte position within it (what JsonException reports).</summary>
    static long Column(ReadOnlySpan<byte> bytes, long line, long bytePositionInLine)
    {
        int start = 0;
        for (long l = 0; l < line && start < bytes.Length; start++)
            if (bytes[start] == (byte)'\n') l++;
        int length = (int)Math.Clamp(bytePositionInLine, 0, Math.Max(0, bytes.Length - start));
        return Encoding.UTF8.GetCharCount(bytes.Slice(start, length)) + 1;
    }
}
