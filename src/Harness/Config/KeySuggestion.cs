using System.Reflection;
using CustomLosses.Catalog;

namespace Harness.Config;

/// <summary>
/// What an unknown config key was probably meant to be, beyond a typo in its own section: the same name in another
/// spelling (<c>learning_rate</c>, <c>lr</c>) or a key of another section (<c>epochs</c> at the top level means
/// <c>training.epochs</c>). Returns full key paths, so the user can paste them.
/// </summary>
public static class KeySuggestion
{
    /// <summary>Common abbreviations and other frameworks' names for this config's keys.</summary>
    static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["lr"] = "learningRate", ["learning_rate"] = "learningRate", ["wd"] = "weightDecay", ["bs"] = "batchSize",
        ["num_epochs"] = "epochs", ["n_epochs"] = "epochs", ["max_epochs"] = "epochs", ["seed"] = "seeds", ["loss_fn"] = "loss",
    };

    /// <summary>
    /// The key path <paramref name="key"/> (unknown under <paramref name="path"/>) most likely stands for, or null:
    /// a key of the same section by spelling, alias or edit distance, else a key of another section with that name.
    /// </summary>
    public static string? Find(string key, string path, IReadOnlyList<string> siblings)
    {
        var wanted = Aliases.TryGetValue(key, out var alias) ? alias : key;
        var sibling = siblings.FirstOrDefault(s => Normalize(s) == Normalize(wanted)) ?? NearestName.Find(wanted, siblings);
        if (sibling != null) return Join(path, sibling);
        var elsewhere = AllPaths().Where(p => Normalize(p[(p.LastIndexOf('.') + 1)..]) == Normalize(wanted)).OrderBy(p => p.Length).FirstOrDefault();
        return elsewhere;
    }

    /// <summary>Every key path of the config records (lists of records as path.0.key).</summary>
    static IEnumerable<string> AllPaths()
    {
        var result = new List<string>();
        void Walk(Type type, string prefix, int depth)
        {
            if (depth > 4) return;
            foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                var at = Join(prefix, char.ToLowerInvariant(p.Name[0]) + p.Name[1..]);
                result.Add(at);
                var t = p.PropertyType;
                if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)) { t = t.GetGenericArguments()[0]; at += ".0"; }
                if (StrictBinder.IsRecord(t)) Walk(t, at, depth + 1);
            }
        }
        Walk(typeof(ExperimentConfig), "", 0);
        return result;
    }

    static string Normalize(string name) => name.Replace("_", "").Replace("-", "").ToLowerInvariant();

    static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;
}
