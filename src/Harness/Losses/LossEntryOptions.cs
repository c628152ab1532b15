using CustomLosses.Catalog;

namespace Harness.Losses;

/// <summary>
/// A loss entry's options resolved once against its loss: names, types and ranges checked, every option typed (defaults
/// included). The config validator makes it and the validated entry carries it (<c>LossEntryConfig.ResolvedOptions</c>);
/// the resolved config writes its typed values; the binding builds the loss from it after the one check that may need
/// the data (<see cref="ForClasses"/>: a CSV's classes are known only once it is read).
/// </summary>
public sealed class LossEntryOptions
{
    LossEntryOptions(LossSpec spec, IReadOnlyDictionary<string, string> given, ResolvedLossOptions values)
    {
        Spec = spec;
        Given = given;
        Values = values;
    }

    /// <summary>The loss the options were resolved against.</summary>
    public LossSpec Spec { get; }

    /// <summary>The option texts as the entry gave them: this very map, so an entry can tell whether they are still its options.</summary>
    public IReadOnlyDictionary<string, string> Given { get; }

    /// <summary>Every option of the loss, typed, defaults included.</summary>
    public ResolvedLossOptions Values { get; }

    /// <summary>
    /// Checks the entry's option texts against <paramref name="spec"/> (names, types, ranges; per-class vector lengths
    /// when <paramref name="classCount"/> is known) and returns them typed, defaults included.
    /// </summary>
    /// <exception cref="LossOptionException">An option that cannot be used; the message names it.</exception>
    public static LossEntryOptions Resolve(LossSpec spec, IReadOnlyDictionary<string, string> options, int? classCount = null) =>
        new(spec, options, LossRegistry.Resolve(spec.Name, LossOptions.Of(options.Select(kv => (kv.Key, (object?)kv.Value)).ToArray()), classCount));

    /// <summary>The values for a task of <paramref name="classCount"/> classes (null: regression, nothing per class).</summary>
    /// <exception cref="LossOptionException">A per-class vector with another number of entries; the message names it.</exception>
    public ResolvedLossOptions ForClasses(int? classCount) => classCount is int c ? Values.ForClasses(c) : Values;

    /// <summary>
    /// The options the entry gave, in its order, each with the type the loss reads it as (numbers, booleans, lists), as the
    /// resolved config writes them. A choice keeps the entry's text: it may be an alias that stands for more than its
    /// resolved value (kl-div's reduction "batchmean" resolves to mean with batchmean set).
    /// </summary>
    public IEnumerable<KeyValuePair<string, object?>> Typed()
    {
        foreach (var (key, text) in Given)
        {
            var match = Values.Values.FirstOrDefault(kv => string.Equals(kv.Key, key, StringComparison.OrdinalIgnoreCase));
            yield return new(key, match is { Key: not null, Value: not string } ? match.Value : text);
        }
    }
}
