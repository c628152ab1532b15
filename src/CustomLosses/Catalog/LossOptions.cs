using System.Globalization;
using System.Text.Json;
using static TorchSharp.torch;

namespace CustomLosses.Catalog;

/// <summary>
/// Option values as a user gave them (from code, JSON or a configuration file), before they are
/// checked against a loss's <see cref="OptionSpec"/>s. Keys are case-insensitive. Values may be
/// typed (double, long, int, bool, double[], string) or text ("1.5", "true", "[1,2]", "0.2,0.8"),
/// as configuration providers deliver them.
/// </summary>
public sealed class LossOptions
{
    readonly Dictionary<string, object?> values = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>No options: every option takes its default.</summary>
    public static LossOptions Empty => new();

    /// <summary>Creates options from name/value pairs.</summary>
    public static LossOptions Of(params (string Name, object? Value)[] pairs)
    {
        var options = new LossOptions();
        foreach (var (name, value) in pairs) options.values[name] = value;
        return options;
    }

    /// <summary>Returns a copy with one option set (or replaced).</summary>
    public LossOptions With(string name, object? value)
    {
        var copy = new LossOptions();
        foreach (var kv in values) copy.values[kv.Key] = kv.Value;
        copy.values[name] = value;
        return copy;
    }

    /// <summary>The names given.</summary>
    public IEnumerable<string> Names => values.Keys;

    /// <summary>The raw values given, by name.</summary>
    public IReadOnlyDictionary<string, object?> Values => values;

    /// <summary>Parses a raw value to the type an option wants; throws FormatException when it cannot.</summary>
    internal static object? Coerce(object? raw, OptionSpec spec)
    {
        if (raw is null) return null;
        if (raw is JsonElement json) raw = FromJson(json);
        switch (spec.Kind)
        {
            case OptionKind.Real:
                var real = raw switch
                {
                    double d => d,
                    float f => (double)f,
                    int i => (double)i,
                    long l => (double)l,
                    string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
                    _ => throw new FormatException("a real number"),
                };
                // The losses compute in float32 (and turn options into float32 scalars): a finite value beyond its range
                // would overflow there, mid-run, instead of here.
                if (double.IsFinite(real) && Math.Abs(real) > float.MaxValue)
                    throw new FloatRangeException($"a real number within float32 range (|x| <= {float.MaxValue.ToString("G9", CultureInfo.InvariantCulture)})");
                return real;
            case OptionKind.Integer:
                return raw switch
                {
                    long l => l,
                    int i => (long)i,
                    double d when d == Math.Floor(d) && Math.Abs(d) < 1e15 => (long)d,
                    string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
                    _ => throw new FormatException("an integer"),
                };
            case OptionKind.Boolean:
                return raw switch
                {
                    bool b => b,
                    string s when bool.TryParse(s, out var b) => b,
                    _ => throw new FormatException("true or false"),
                };
            case OptionKind.RealVector:
                var vector = raw switch
                {
                    double[] v => (double[])v.Clone(),
                    float[] v => v.Select(x => (double)x).ToArray(),
                    Tensor t when t.dim() == 1 && (t.is_floating_point() || t.dtype is ScalarType.Int64 or ScalarType.Int32) => HostArray.From(t).Data,
                    Tensor => throw new FormatException("a 1-D tensor of real numbers"),
                    IEnumerable<object?> items => items.Select(x => (double)Coerce(x, spec with { Kind = OptionKind.Real })!).ToArray(),
                    string s => ParseVector(s),
                    _ => throw new FormatException("a list of real numbers"),
                };
                if (vector.Any(x => double.IsFinite(x) && Math.Abs(x) > float.MaxValue))
                    throw new FloatRangeException(
                        $"a list of real numbers within float32 range (|x| <= {float.MaxValue.ToString("G9", CultureInfo.InvariantCulture)})");
                return vector;
            case OptionKind.Choice:
                if (raw is nn.Reduction reduction && Enum.IsDefined(reduction)) raw = reduction.ToOptionString();
                if (raw is string word)
                {
                    var match = spec.Choices!.FirstOrDefault(c => string.Equals(c, word.Trim(), StringComparison.OrdinalIgnoreCase));
                    if (match != null) return match;
                }
                throw new FormatException(spec.ValidRange);
            default:
                throw new FormatException(spec.Kind.ToString());
        }
    }

    static double[] ParseVector(string s)
    {
        var body = s.Trim().TrimStart('[').TrimEnd(']');
        if (body.Length == 0) return Array.Empty<double>();
        return body.Split(',').Select(part =>
            double.TryParse(part.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                ? d : throw new FormatException("a list of real numbers")).ToArray();
    }

    static object? FromJson(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Array => e.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.Null => null,
        _ => e.GetRawText(),
    };
}
