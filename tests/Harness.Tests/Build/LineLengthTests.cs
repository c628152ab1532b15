using Xunit;

namespace Harness.Tests.Build;

/// <summary>
/// Keeps every line of the repository's C# sources (src/, tests/ and bench/, the template content and the test fixtures
/// included; bin/ and obj/ left out) at most <see cref="MaxLength"/> characters. .editorconfig says so with
/// <c>max_line_length</c>, which editors honour but <c>dotnet format</c> does not check; this test does.
/// </summary>
public class LineLengthTests
{
    /// <summary>The longest line allowed, in characters; .editorconfig's <c>max_line_length</c> for C# files.</summary>
    public const int MaxLength = 160;

    /// <summary>
    /// The lines of <paramref name="text"/> longer than <see cref="MaxLength"/>, each as "path:line (length characters)",
    /// lines counted from 1; a line's end (\n or \r\n) does not count.
    /// </summary>
    public static IReadOnlyList<string> LongLines(string path, string text) =>
        text.Split('\n')
            .Select((line, i) => (Number: i + 1, line.TrimEnd('\r').Length))
            .Where(x => x.Length > MaxLength)
            .Select(x => $"{path}:{x.Number} ({x.Length} characters)")
            .ToList();

    /// <summary>The C# files under src/, tests/ and bench/ outside bin/ and obj/, relative to the repository root, with '/'.</summary>
    static IReadOnlyList<string> Sources() =>
        new[] { "src", "tests", "bench" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, d), "*.cs", SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(RepositoryPaths.Root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => !f.Split('/').Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .ToList();

    [Fact]
    public void No_line_of_the_CSharp_sources_is_longer_than_the_limit()
    {
        var sources = Sources();
        // The scan reaches what a narrower one could miss: the template's content (which the plugin fixture compiles too).
        Assert.Contains(sources, f => f.StartsWith("src/Templates/content/", StringComparison.Ordinal));
        Assert.Contains(sources, f => f.StartsWith("bench/", StringComparison.Ordinal));
        var tooLong = sources.SelectMany(f => LongLines(f, File.ReadAllText(Path.Combine(RepositoryPaths.Root, f)))).ToList();
        Assert.True(tooLong.Count == 0,
            $"{tooLong.Count} line(s) longer than {MaxLength} characters (.editorconfig max_line_length); wrap them:\n" + string.Join("\n", tooLong));
    }

    [Fact]
    public void A_planted_long_line_is_named_with_its_file_line_and_length()
    {
        var atLimit = "    // " + new string('x', MaxLength - 7);
        var over = "    var s = \"" + new string('y', MaxLength - 14) + "\";";
        var text = $"class Planted\n{{\n{atLimit}\r\n{over}\r\n{over}x\n}}\n";
        Assert.Equal(
            [$"Planted.cs:4 ({MaxLength + 1} characters)", $"Planted.cs:5 ({MaxLength + 2} characters)"],
            LongLines("Planted.cs", text));
        Assert.Empty(LongLines("Short.cs", "class Short { }\n"));
    }

    [Fact]
    public void The_limit_is_the_max_line_length_editorconfig_gives_CSharp_files()
    {
        // The last setting that applies to a .cs file wins, as in EditorConfig.
        var coversCSharp = false;
        int? limit = null;
        foreach (var raw in File.ReadAllLines(Path.Combine(RepositoryPaths.Root, ".editorconfig")))
        {
            var line = raw.Trim();
            if (line.StartsWith('[')) coversCSharp = CoversCSharp(line.Trim('[', ']'));
            else if (coversCSharp && line.Split('=', 2) is [var key, var value] && key.Trim() == "max_line_length")
                limit = int.Parse(value.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        Assert.Equal(MaxLength, limit);
    }

    /// <summary>Whether an .editorconfig section glob (<c>*</c>, <c>*.cs</c>, <c>*.{cs,csx}</c>) matches C# files.</summary>
    static bool CoversCSharp(string glob) =>
        glob == "*"
        || glob.StartsWith("*.{", StringComparison.Ordinal) && glob.EndsWith('}') && glob[3..^1].Split(',').Contains("cs")
        || glob == "*.cs";
}
