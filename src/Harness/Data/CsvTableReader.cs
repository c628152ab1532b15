using System.Globalization;
using System.IO.Compression;

namespace Harness.Data;

/// <summary>
/// Reads a numeric CSV file into a feature table plus a target column. Hand-written rather than CsvHelper:
/// the files are numeric tables, one record per line, and a direct split lets every error name the exact
/// file line and column (CsvHelper would add a dependency and its own exception texts to translate).
/// Supported: a header row or none, any separator string ("\t" or "tab" for tabs), fields optionally in
/// double quotes (a quoted field may contain the separator; "" is a quote), blank lines skipped,
/// a gzipped file (by content). Not supported: line breaks inside quoted fields.
/// </summary>
internal static class CsvTableReader
{
    /// <summary>The parsed table: numeric features and the raw target texts, with file line numbers per row.</summary>
    public sealed record CsvTable(string[] Columns, int TargetIndex, float[] Features, int FeatureCount, string[] TargetTexts, int[] LineNumbers);

    /// <summary>Reads <paramref name="path"/> (existence and permissions checked here).</summary>
    public static CsvTable ReadFile(string path, string targetColumn, bool header, string separator,
        IReadOnlyList<string>? features = null, IReadOnlyList<string>? ignore = null)
    {
        if (Directory.Exists(path))
            throw new DataException($"{path}: is a folder, not a CSV file. Check \"csv\": {{ \"path\" }}.");
        if (!File.Exists(path))
            throw new DataException($"{path}: CSV file not found. Check \"csv\": " +
                                    $"{{ \"path\" }} (relative paths are resolved against the config file's folder).");
        try
        {
            using var file = File.OpenRead(path);
            int b0 = file.ReadByte(), b1 = file.ReadByte();
            int b2 = file.ReadByte(), b3 = file.ReadByte();
            file.Position = 0;
            if (Utf16.Looks([(byte)b0, (byte)b1, (byte)b2, (byte)b3, .. ReadHead(file)]))
                throw new DataException($"{path}: the file is UTF-16 encoded; save it as UTF-8 (the harness reads CSV files as UTF-8).");
            Stream stream = b0 == 0x1F && b1 == 0x8B ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var reader = new StreamReader(stream);
            return Read(reader, path, targetColumn, header, separator, features, ignore);
        }
        catch (InvalidDataException e)
        {
            throw new DataException($"{path}: broken gzip data ({e.Message}); the file is damaged.", e);
        }
        catch (IOException e)
        {
            throw new DataException($"{path}: cannot read the file: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DataException($"{path}: permission denied reading the file: {e.Message}", e);
        }
    }

    static byte[] ReadHead(FileStream file)
    {
        var head = new byte[60];
        file.Position = 4;
        var n = file.Read(head);
        file.Position = 0;
        return head[..n];
    }

    /// <summary>Parses CSV text; <paramref name="path"/> is used in messages only.</summary>
    /// <param name="reader">The CSV text.</param>
    /// <param name="path">The file's name, for messages.</param>
    /// <param name="targetColumn">Name or zero-based index; empty: the last column.</param>
    /// <param name="header">The first row names the columns.</param>
    /// <param name="separator">Field separator ("tab" or "\\t" for tabs).</param>
    /// <param name="features">The feature columns (names or indices); empty: all but the target and <paramref name="ignore"/>.</param>
    /// <param name="ignore">Columns that are neither features nor the target; their cells are not read.</param>
    public static CsvTable Read(TextReader reader, string path, string targetColumn, bool header, string separator,
        IReadOnlyList<string>? features = null, IReadOnlyList<string>? ignore = null)
    {
        string sep = separator switch { "\\t" or "tab" or "TAB" => "\t", "" => ",", _ => separator };
        string[]? columns = null;
        bool[] isFeature = [];
        int targetIndex = -1, featureCount = 0, lineNumber = 0;
        var values = new List<float>();
        var targets = new List<string>();
        var lines = new List<int>();
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            lineNumber++;
            if (line.Trim().Length == 0) continue;
            var fields = Split(line, sep, path, lineNumber);
            if (columns == null)
            {
                columns = header ? fields : Enumerable.Range(0, fields.Length).Select(i => $"column {i}").ToArray();
                if (columns.Length < 2)
                    throw new DataException($"{path}:{lineNumber}: found {columns.Length} column with separator \"{Show(sep)}\"; " +
                                            "need at least one feature and a target. Is \"separator\" right?");
                targetIndex = ResolveTarget(columns, targetColumn, path, lineNumber, header);
                isFeature = FeatureColumns(columns, targetIndex, features ?? [], ignore ?? [], path, lineNumber, header);
                featureCount = isFeature.Count(f => f);
                if (header) continue;
            }
            if (fields.Length != columns.Length)
                throw new DataException($"{path}:{lineNumber}: ragged row: {fields.Length} fields but {(header ? "the header has" : "the first row has")} " +
                                        $"{columns.Length} (separator \"{Show(sep)}\").");
            for (int c = 0; c < fields.Length; c++)
            {
                if (c == targetIndex)
                {
                    if (fields[c].Length == 0)
                        throw new DataException($"{path}:{lineNumber}: empty target in column \"{columns[c]}\".");
                    targets.Add(fields[c]);
                    continue;
                }
                if (!isFeature[c]) continue;
                if (!double.TryParse(fields[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                    throw new DataException($"{path}:{lineNumber}: non-numeric cell in column \"{columns[c]}\" (column {c}): \"{fields[c]}\". " +
                                            "Features must be finite numbers with '.' as decimal point.");
                // Features are float32 tensors: a value a double holds but a float cannot would become infinite.
                if (Math.Abs(v) > float.MaxValue)
                    throw new DataException($"{path}:{lineNumber}: value {fields[c]} in column \"{columns[c]}\" (column {c}) " +
                                            "is beyond float32 range (|x| <= 3.4e38), in which features are stored.");
                values.Add((float)v);
            }
            lines.Add(lineNumber);
        }
        if (columns == null || targets.Count == 0)
            throw new DataException($"{path}: empty file: {(columns == null ? "no lines" : "a header but no data rows")}. " +
                                    "A CSV dataset needs at least one data row.");
        return new CsvTable(columns, targetIndex, values.ToArray(), featureCount, targets.ToArray(), lines.ToArray());
    }

    /// <summary>Which columns are features: those named in <paramref name="features"/>, else all but the target and <paramref name="ignore"/>.</summary>
    static bool[] FeatureColumns(
        string[] columns, int targetIndex, IReadOnlyList<string> features, IReadOnlyList<string> ignore, string path, int lineNumber, bool header)
    {
        if (features.Count > 0 && ignore.Count > 0)
            throw new DataException($"{path}: \"features\" and \"ignoreColumns\" are both set; " +
                                    "give one of them (features lists the columns to use, ignoreColumns the ones to drop).");
        int Column(string spec, string key)
        {
            var index = FindColumn(columns, spec.Trim(), header);
            if (index < 0)
                throw new DataException($"{path}:{lineNumber}: {key} column \"{spec}\" not found. " + Describe(columns, header));
            if (index == targetIndex)
                throw new DataException($"{path}: {key} column \"{spec}\" is the target column \"{columns[targetIndex]}\"; the target is never a feature.");
            return index;
        }
        var isFeature = new bool[columns.Length];
        if (features.Count > 0)
            foreach (var f in features) isFeature[Column(f, "feature")] = true;
        else
        {
            for (int c = 0; c < columns.Length; c++) isFeature[c] = c != targetIndex;
            foreach (var i in ignore) isFeature[Column(i, "ignored")] = false;
        }
        if (!isFeature.Any(f => f))
            throw new DataException($"{path}: no feature column is left (\"ignoreColumns\" drops them all); a CSV dataset needs at least one.");
        return isFeature;
    }

    /// <summary>A column by exact header name, by a unique case-insensitive one, or by zero-based index; -1 when none.</summary>
    static int FindColumn(string[] columns, string spec, bool header)
    {
        if (header)
        {
            int exact = Array.IndexOf(columns, spec);
            if (exact >= 0) return exact;
            var loose = columns.Select((c, i) => (c, i)).Where(x => string.Equals(x.c, spec, StringComparison.OrdinalIgnoreCase)).ToList();
            if (loose.Count == 1) return loose[0].i;
        }
        return int.TryParse(spec, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < columns.Length ? index : -1;
    }

    static string Describe(string[] columns, bool header) =>
        (header ? $"Columns: {string.Join(", ", columns.Select(c => $"\"{c}\""))}; " : "The file has no header (\"header\": false); ")
        + $"give a column {(header ? "name or a " : "")}zero-based index 0..{columns.Length - 1}";

    static int ResolveTarget(string[] columns, string targetColumn, string path, int lineNumber, bool header)
    {
        var spec = targetColumn.Trim();
        if (spec.Length == 0) return columns.Length - 1;
        var index = FindColumn(columns, spec, header);
        if (index >= 0) return index;
        throw new DataException(
            $"{path}:{lineNumber}: target column \"{spec}\" not found. " + Describe(columns, header)
            + ", or leave \"targetColumn\" empty for the last column.");
    }

    /// <summary>Splits one line; fields are trimmed and unquoted.</summary>
    static string[] Split(string line, string sep, string path, int lineNumber)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        int i = 0;
        while (true)
        {
            // Skip leading blanks before a possible quote.
            int start = i;
            while (i < line.Length && line[i] == ' ' && !sep.StartsWith(' ')) i++;
            if (i < line.Length && line[i] == '"')
            {
                i++;
                current.Clear();
                while (true)
                {
                    if (i >= line.Length)
                        throw new DataException($"{path}:{lineNumber}: unterminated quoted field (a \" without its closing \").");
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    current.Append(line[i++]);
                }
                while (i < line.Length && line[i] == ' ' && !sep.StartsWith(' ')) i++;
                fields.Add(current.ToString());
                if (i >= line.Length) return [.. fields];
                if (string.CompareOrdinal(line, i, sep, 0, sep.Length) != 0)
                    throw new DataException($"{path}:{lineNumber}: text after a closing quote in field {fields.Count - 1}; " +
                                            $"expected the separator \"{Show(sep)}\".");
                i += sep.Length;
                continue;
            }
            i = start;
            int next = line.IndexOf(sep, i, StringComparison.Ordinal);
            if (next < 0)
            {
                fields.Add(line[i..].Trim());
                return [.. fields];
            }
            fields.Add(line[i..next].Trim());
            i = next + sep.Length;
        }
    }

    static string Show(string sep) => sep == "\t" ? "\\t" : sep;
}
