using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Harness.Config;

/// <summary>
/// Binds a configuration tree onto the config records, strictly: every key must be a property (matched
/// case-insensitively), every value must parse as the property's type, lists must be lists. Errors name the
/// full key path in camelCase ("training.optimiser: unknown key; did you mean training.optimizer?").
/// Properties not given keep the records' defaults. Loss <c>options</c> are a free-form map of text values
/// (lists become "[a, b]" text) checked later against the loss registry.
/// </summary>
internal sealed class StrictBinder
{
    readonly Func<string, string> describeOrigin;

    /// <param name="describeOrigin">Extra text for an error at a key path (e.g. which --set produced it); empty for none.</param>
    public StrictBinder(Func<string, string> describeOrigin) => this.describeOrigin = describeOrigin;

    /// <summary>Every binding problem found, in file order; a key that failed keeps its default so the rest can be checked.</summary>
    public List<ConfigException> Problems { get; } = [];

    /// <summary>Binds what can be bound; the problems of the rest are in <see cref="Problems"/>.</summary>
    public ExperimentConfig Bind(IConfiguration root) =>
        (ExperimentConfig)BindObject(typeof(ExperimentConfig), Children(root), "", ignoreSchemaKey: true);

    static List<IConfigurationSection> Children(IConfiguration c) => c.GetChildren().ToList();

    object BindObject(Type type, List<IConfigurationSection> children, string path, bool ignoreSchemaKey = false)
    {
        var instance = Activator.CreateInstance(type)!;
        var properties = Properties(type);
        foreach (var child in children)
        {
            if (ignoreSchemaKey && string.Equals(child.Key, "$schema", StringComparison.OrdinalIgnoreCase)) continue;
            var childPath = Join(path, child.Key);
            var property = properties.FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                var names = properties.Select(p => CamelCase(p.Name)).ToList();
                var nearest = KeySuggestion.Find(child.Key, path, names);
                Problems.Add(Error(childPath, "unknown key" + (nearest is null ? "" : $"; did you mean {nearest}?") +
                                              $" Valid keys{(path.Length == 0 ? "" : " of " + path)}: {string.Join(", ", names)}."));
                continue;
            }
            var canonicalPath = Join(path, CamelCase(property.Name));
            // One bad value does not hide the next: it is recorded, the key keeps its default, and binding goes on.
            try { property.SetValue(instance, BindValue(property.PropertyType, child, canonicalPath, property.GetValue(instance))); }
            catch (ConfigException e) { Problems.Add(e); }
        }
        return instance;
    }

    object? BindValue(Type type, IConfigurationSection section, string path, object? current)
    {
        var children = Children(section);
        var value = section.Value;
        // The JSON provider gives "" for an empty list or object and for null; "--set key=null" gives null.
        // For a list that is an empty list; for an object, its defaults; for a scalar, null keeps the default.
        bool nullLeaf = children.Count == 0 && value is null;
        bool emptyLeaf = children.Count == 0 && string.IsNullOrEmpty(value);

        if (IsList(type, out var elementType))
        {
            if (emptyLeaf) return Array.CreateInstance(elementType, 0);
            if (children.Count == 0)
                throw Error(path, $"'{value}' is not a list; expected a list like {ListExample(elementType)}.");
            var items = ListItems(children, path);
            var array = Array.CreateInstance(elementType, items.Count);
            for (int i = 0; i < items.Count; i++)
                array.SetValue(BindValue(elementType, items[i], path + "." + i.ToString(CultureInfo.InvariantCulture), null), i);
            return array;
        }
        if (type == typeof(IReadOnlyDictionary<string, string>))
        {
            if (emptyLeaf) return new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (children.Count == 0)
                throw Error(path, $"'{value}' is not a map; expected an object like {{ \"delta\": 2 }}.");
            return BindOptions(children, path);
        }
        if (IsRecord(type))
        {
            if (emptyLeaf) return current ?? Activator.CreateInstance(type);
            if (children.Count == 0)
                throw Error(path, $"'{value}' is not an object; expected {{ ... }} with keys " +
                                  $"{string.Join(", ", Properties(type).Select(p => CamelCase(p.Name)))}.");
            return BindObject(type, children, path);
        }

        // Scalars.
        if (children.Count > 0)
            throw Error(path, $"expected {ScalarKind(type)}, not a list or object.");
        if (nullLeaf) return current;
        var text = value!.Trim();
        if (type == typeof(string)) return value;
        if (type == typeof(int))
        {
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)) return i;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) &&
                d >= int.MinValue && d <= int.MaxValue) return (int)d;
            throw Error(path, $"{Quote(value)} is not an integer" +
                              (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
                                  ? $" in [{int.MinValue}, {int.MaxValue}]"
                                  : "") + ".");
        }
        if (type == typeof(double) || type == typeof(double?))
        {
            if (type == typeof(double?) && text.Length == 0) return null;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)) return d;
            throw Error(path, $"{Quote(value)} is not a number; expected a finite real number like 0.5 or 1e-3" +
                              (type == typeof(double?) ? ", or null" : "") + ".");
        }
        if (type == typeof(bool))
        {
            if (bool.TryParse(text, out var b)) return b;
            throw Error(path, $"{Quote(value)} is not true or false.");
        }
        throw new InvalidOperationException($"No binding for {type} at {path} (a bug in the config records).");
    }

    /// <summary>The elements of a list section, which must be keyed 0..n-1 (a JSON object is not a list).</summary>
    List<IConfigurationSection> ListItems(List<IConfigurationSection> children, string path)
    {
        var byIndex = new SortedDictionary<int, IConfigurationSection>();
        foreach (var c in children)
        {
            if (!int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= children.Count * 4 + 1024)
                throw Error(path, $"expected a list [ ... ], but found the key '{c.Key}'.");
            byIndex[index] = c;
        }
        int expected = 0;
        foreach (var index in byIndex.Keys)
        {
            if (index != expected)
                throw Error(Join(path, index.ToString(CultureInfo.InvariantCulture)),
                    $"list index {index} is past the end; the list has {expected} entries, so the next index is {expected}.");
            expected++;
        }
        return byIndex.Values.ToList();
    }

    Dictionary<string, string> BindOptions(List<IConfigurationSection> children, string path)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var option in children)
        {
            var optionPath = Join(path, option.Key);
            var items = Children(option);
            if (items.Count == 0)
            {
                // JSON null or an empty list: the option keeps the loss's default.
                if (option.Value is null || option.Value.Length == 0) continue;
                options[option.Key] = option.Value;
                continue;
            }
            if (items.Any(i => !int.TryParse(i.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)) ||
                ListItems(items, optionPath) is var list && list.Any(i => Children(i).Count > 0))
                throw Error(optionPath, "expected a number, true/false, a word or a list of numbers, not nested lists or objects.");
            options[option.Key] = "[" + string.Join(", ", ListItems(items, optionPath).Select(i => i.Value)) + "]";
        }
        return options;
    }

    ConfigException Error(string path, string problem) => ConfigException.At(path, problem + describeOrigin(path));

    static string Quote(string? value) => string.IsNullOrEmpty(value) ? "'' (empty or null)" : $"'{value}'";

    static string ScalarKind(Type t) =>
        t == typeof(int) ? "an integer" : t == typeof(double) || t == typeof(double?) ? "a number" : t == typeof(bool) ? "true or false" : "text";

    static string ListExample(Type element) =>
        element == typeof(int) ? "[0, 1, 2]" : IsRecord(element) ? "[ { ... }, { ... } ]" : "[ ... ]";

    internal static PropertyInfo[] Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.Name != "EqualityContract").ToArray();

    // A config section: one of the *Config records, which live in Config and (the dataset section) in Data.
    internal static bool IsRecord(Type t) => t.IsClass && t != typeof(string) && t.Name.EndsWith("Config", StringComparison.Ordinal)
        && (t.Namespace == typeof(ExperimentConfig).Namespace || t.Namespace == typeof(Data.DatasetConfig).Namespace);

    internal static bool IsList(Type t, out Type element)
    {
        element = typeof(object);
        if (!t.IsGenericType || t.GetGenericTypeDefinition() != typeof(IReadOnlyList<>)) return false;
        element = t.GetGenericArguments()[0];
        return true;
    }

    internal static string CamelCase(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];

    static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;
}
