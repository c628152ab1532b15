using System.Text;

namespace Harness.Config;

/// <summary>
/// Where each key and list entry of a configuration file is (its 1-based line and column), so that a problem found after
/// binding (an unknown loss, a value out of range) points at the file like a compiler error; a key that is missing
/// points at the nearest enclosing one that is there.
/// </summary>
internal sealed class ConfigPositions(string source, byte[] text)
{
    readonly Dictionary<string, long> offsets = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Records that the key or list entry at <paramref name="keyPath"/> (dotted, indices as numbers) starts at a byte offset.</summary>
    public void Add(IEnumerable<string> keyPath, long offset) => offsets.TryAdd(string.Join(".", keyPath), offset);

    /// <summary>
    /// The problem with the file position of its key path in front ("experiment.json: line 12, column 17: losses.0.loss:
    /// ..."), or the problem itself when it has no key path or the file has nothing on it.
    /// </summary>
    public ConfigException Locate(ConfigException problem)
    {
        if (problem.KeyPath is not { Length: > 0 } keyPath) return problem;
        for (var path = keyPath; path.Length > 0; path = path.Contains('.') ? path[..path.LastIndexOf('.')] : "")
            if (offsets.TryGetValue(path, out var offset))
            {
                var (line, column) = LineColumn(text, offset);
                return new ConfigException($"{source}: line {line}, column {column}: {problem.Message}", problem.KeyPath, problem.InnerException);
            }
        return problem;
    }

    /// <summary>The 1-based line and column (in characters) of a byte offset.</summary>
    public static (long Line, long Column) LineColumn(ReadOnlySpan<byte> bytes, long offset)
    {
        long line = 0;
        int lineStart = 0;
        for (int i = 0; i < offset && i < bytes.Length; i++)
            if (bytes[i] == (byte)'\n') { line++; lineStart = i + 1; }
        int length = (int)Math.Clamp(offset - lineStart, 0, bytes.Length - lineStart);
        return (line + 1, Encoding.UTF8.GetCharCount(bytes.Slice(lineStart, length)) + 1);
    }
}
