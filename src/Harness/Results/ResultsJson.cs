using System.Text.Json;
using System.Text.Json.Nodes;
using Harness.Output;

namespace Harness.Results;

/// <summary>
/// Reading the JSON files of a results folder leniently (a field that is absent or null reads as null) but typed: a
/// field of the wrong type is a <see cref="FormatException"/> naming its JSON path, which the file's reader turns into a
/// <see cref="ResultsFolderException"/> naming the file.
/// </summary>
public static class ResultsJson
{
    /// <summary>How the harness writes its JSON files.</summary>
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Parses a file's text as a JSON object; throws <see cref="ResultsFolderException"/> naming <paramref name="path"/>.</summary>
    public static JsonObject ParseObject(string path, string text) => Parse<JsonObject>(path, text, "a JSON object");

    /// <summary>Reads a file as a JSON object; throws <see cref="ResultsFolderException"/> naming it.</summary>
    public static JsonObject ReadObject(string path) => ParseObject(path, ReadText(path));

    /// <summary>Reads a file as a JSON array (<paramref name="expected"/> says of what); throws <see cref="ResultsFolderException"/> naming it.</summary>
    internal static JsonArray ReadArray(string path, string expected) => Parse<JsonArray>(path, ReadText(path), expected);

    /// <summary>Writes a results file's JSON atomically, indented as every results file is.</summary>
    internal static void Write(string path, JsonNode json) => AtomicFile.WriteAllText(path, Serialize(json));

    /// <summary>A node's text as <see cref="Write"/> writes it.</summary>
    internal static string Serialize(JsonNode json) => json.ToJsonString(Indented);

    /// <summary>
    /// An element's text (as <see cref="Serialize"/> gives it) as it stands inside an array that <see cref="Write"/>
    /// writes: one level deeper, so every line after its first is indented once more. No line break occurs inside a JSON
    /// string (it is escaped), so every break in the text is indentation.
    /// </summary>
    internal static string ArrayElement(string serialized) =>
        serialized.Replace(Indented.NewLine, Indented.NewLine + new string(Indented.IndentCharacter, Indented.IndentSize), StringComparison.Ordinal);

    /// <summary>
    /// The text <see cref="Write"/> gives a JSON array, made from its elements' texts (each from <see cref="ArrayElement"/>),
    /// so that a file that lists every element so far is rewritten without serializing the elements again.
    /// </summary>
    internal static string IndentedArray(IReadOnlyList<string> elements)
    {
        if (elements.Count == 0) return "[]";
        var newLine = Indented.NewLine;
        var indent = new string(Indented.IndentCharacter, Indented.IndentSize);
        var text = new System.Text.StringBuilder("[", elements.Sum(e => e.Length + newLine.Length + indent.Length + 1) + newLine.Length + 1);
        for (int i = 0; i < elements.Count; i++)
            text.Append(i == 0 ? "" : ",").Append(newLine).Append(indent).Append(elements[i]);
        return text.Append(newLine).Append(']').ToString();
    }

    static string ReadText(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ResultsFolderException($"{path}: cannot be read: {e.Message}", e);
        }
    }

    static T Parse<T>(string path, string text, string expected) where T : JsonNode
    {
        try
        {
            return JsonNode.Parse(text) as T ?? throw new ResultsFolderException($"{path}: expected {expected}.");
        }
        catch (JsonException e)
        {
            throw new ResultsFolderException($"{path}: not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>Runs <paramref name="read"/> on a parsed file, turning a field of the wrong type into an error naming the file.</summary>
    internal static T Typed<T>(string path, Func<T> read)
    {
        try { return read(); }
        catch (FormatException e) { throw new ResultsFolderException($"{path}: {e.Message}", e); }
    }

    /// <summary>A string, or null when absent or not a string.</summary>
    public static string? Text(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>A number, or null when absent or null; <see cref="FormatException"/> when something else.</summary>
    public static double? Number(JsonNode? n) => n switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => null,
        _ => throw new FormatException($"expected a number at '{n.GetPath()}', found {n.ToJsonString()}"),
    };

    /// <summary>A whole number, or null when absent or null; <see cref="FormatException"/> when something else.</summary>
    public static int? Integer(JsonNode? n) => (int?)Whole(n, int.MaxValue);

    /// <summary>A whole number (a count of samples), or null when absent or null; <see cref="FormatException"/> when something else.</summary>
    public static long? Long(JsonNode? n) => Whole(n, long.MaxValue);

    static long? Whole(JsonNode? n, double max) => Number(n) is { } d
        ? d == Math.Floor(d) && Math.Abs(d) <= max ? (long)d : throw new FormatException($"expected a whole number at '{n!.GetPath()}', found {d}")
        : null;

    /// <summary>true only for JSON true.</summary>
    public static bool True(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    /// <summary>true or false, or null when absent or not a boolean.</summary>
    public static bool? Boolean(JsonNode? n) =>
        n is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValueKind() == JsonValueKind.True : null;

    /// <summary>A JSON number for <paramref name="v"/> (null for null).</summary>
    internal static JsonNode? Node(double? v) => v is { } d ? JsonValue.Create(d) : null;

    /// <summary>A JSON number for <paramref name="v"/> (null for null).</summary>
    internal static JsonNode? Node(int? v) => v is { } i ? JsonValue.Create(i) : null;

    /// <summary>A JSON number for <paramref name="v"/> (null for null).</summary>
    internal static JsonNode? Node(long? v) => v is { } l ? JsonValue.Create(l) : null;

    /// <summary>A JSON string (null for null).</summary>
    internal static JsonNode? Node(string? v) => v is null ? null : JsonValue.Create(v);
}
