namespace Harness.Cli;

/// <summary>
/// Rows printed as plain, left-aligned columns: what piped output and narrow terminals need, since a bordered table
/// fitted to the width breaks words and numbers mid-way while a long plain line wraps whole.
/// </summary>
public static class PlainColumns
{
    /// <summary>Writes the header and rows, two spaces between columns, each line indented by <paramref name="indent"/>.</summary>
    public static void Write(TextWriter writer, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, string indent = "  ")
    {
        var all = rows.ToList();
        var widths = header.Select((h, i) => all.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        writer.WriteLine(indent + string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var r in all) writer.WriteLine(indent + string.Join("  ", r.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
    }
}
