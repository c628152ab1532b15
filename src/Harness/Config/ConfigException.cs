namespace Harness.Config;

/// <summary>
/// An experiment configuration that cannot be used. The message is complete and user-facing: it names the
/// key path (<c>training.optimizer.learningRate</c>, <c>losses.2.options.delta</c>) or the file position,
/// the value given and what is valid. The CLI prints it as it is and exits 2.
/// </summary>
public sealed class ConfigException : Exception
{
    /// <summary>Creates the exception with a complete message.</summary>
    public ConfigException(string message, string? keyPath = null, Exception? inner = null) : base(OneLine(message), inner)
    {
        KeyPath = keyPath;
    }

    /// <summary>The dotted key path the problem is at (camelCase, list indices as numbers); null for file-level problems.</summary>
    public string? KeyPath { get; }

    /// <summary>Control characters (from values echoed back) are escaped so the message stays on one line.</summary>
    static string OneLine(string message) =>
        message.Any(char.IsControl)
            ? string.Concat(message.Select(ch => ch switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(ch) => $"\\u{(int)ch:x4}",
                _ => ch.ToString(),
            }))
            : message;

    ConfigException(IReadOnlyList<ConfigException> problems)
        : base($"{problems.Count} problems in the configuration:\n" + string.Join("\n", problems.Select(p => "  - " + p.Message)))
    {
        KeyPath = problems[0].KeyPath;
        Problems = problems;
    }

    /// <summary>Every problem this one reports (itself alone unless several were found at once).</summary>
    public IReadOnlyList<ConfigException> Problems { get; } = [];

    /// <summary>One exception for the problems found together: the problem itself when there is one, else all of them, a line each.</summary>
    public static ConfigException Of(IReadOnlyList<ConfigException> problems) => problems.Count == 1 ? problems[0] : new ConfigException(problems);

    /// <summary>An error at a key: "<paramref name="path"/>: <paramref name="problem"/>".</summary>
    internal static ConfigException At(string path, string problem) =>
        new(path.Length == 0 ? problem : $"{path}: {problem}", path);
}
