using CustomLosses.Binary;
using CustomLosses.Embedding;
using CustomLosses.MultiClass;
using CustomLosses.Regression;
using static TorchSharp.torch;

namespace CustomLosses.Catalog;

/// <summary>
/// Maps a loss name and options to a module, and describes every loss: the library's own and those registered from
/// plugins. To add a loss to the library: write its class with a static <c>Spec</c>, and add that spec to its group's
/// list; to add one from outside, see <see cref="Register"/>.
/// </summary>
public static class LossRegistry
{
    static readonly IReadOnlyList<LossSpec> builtIn = RegressionLosses.Specs
        .Concat(MultiClassLosses.Specs)
        .Concat(BinaryLosses.Specs)
        .Concat(EmbeddingLosses.Specs)
        .ToList();

    static readonly Lock registering = new();

    // Replaced whole on registration, so readers never see a half-added plugin.
    static IReadOnlyList<LossSpec> all = CheckedUnique(builtIn);

    static IReadOnlyList<LossSpec> CheckedUnique(IReadOnlyList<LossSpec> specs)
    {
        var duplicate = specs.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate != null) throw new InvalidOperationException($"Two losses are registered as '{duplicate.Key}'.");
        return specs;
    }

    /// <summary>Every registered loss: the library's, grouped by task in catalogue order, then plugins' in registration order.</summary>
    public static IReadOnlyList<LossSpec> All => Volatile.Read(ref all);

    /// <summary>
    /// Adds losses from outside the library (a plugin's, found by <see cref="RegisteredLosses.In"/>, or specs built in
    /// code), all or none: each must pass <see cref="LossSpecProblems"/> and take a name that no registered loss or
    /// alias has. Registering the same specs again (same name and origin) is a no-op, so a config and a command line
    /// may name the same plugin.
    /// </summary>
    /// <exception cref="LossRegistrationException">Every problem found, one per line, each naming the loss and its origin.</exception>
    public static void Register(IEnumerable<LossSpec> specs)
    {
        lock (registering)
        {
            var current = All;
            var problems = new List<string>();
            var added = new List<LossSpec>();
            foreach (var spec in specs)
            {
                if (spec is null) { problems.Add("a spec is null"); continue; }
                var who = $"loss '{spec.Name}' from {spec.Origin}";
                if (current.Any(s => s.Name == spec.Name && s.Origin == spec.Origin)) continue;
                problems.AddRange(LossSpecProblems.Of(spec).Select(p => $"{who}: {p}"));
                if ((LossAliases.Resolve(spec.Name, current) ?? added.FirstOrDefault(s => s.Name == spec.Name)) is { } taken)
                    problems.Add(
                        $"{who}: the name is taken by '{taken.Name}' from {taken.Origin}{(taken.Name == spec.Name ? "" : " (an alias)")}; rename one of them.");
                added.Add(spec);
            }
            if (problems.Count > 0) throw new LossRegistrationException(string.Join(Environment.NewLine, problems));
            Volatile.Write(ref all, current.Concat(added).ToList());
        }
    }

    /// <summary>The names of every registered loss.</summary>
    public static IEnumerable<string> Names => All.Select(s => s.Name);

    /// <summary>The loss a name or alias stands for (PyTorch's names and spellings, see <see cref="LossAliases"/>), or null.</summary>
    public static LossSpec? Find(string? name) => name is null ? null : LossAliases.Resolve(name, All);

    /// <summary>Finds a loss by name or alias (case-insensitive); an unknown name lists the nearest and all valid names.</summary>
    public static LossSpec Get(string name)
    {
        var spec = Find(name);
        if (spec != null) return spec;
        var nearest = NearestName.Find(name ?? "", Names);
        throw new LossOptionException(
            $"Unknown loss '{name}'." + (nearest is null ? "" : $" Did you mean '{nearest}'?") +
            $" Valid losses: {string.Join(", ", Names)}.");
    }

    /// <summary>True when a loss of that name is registered.</summary>
    public static bool Contains(string name) => Find(name) != null;

    /// <summary>
    /// PyTorch's <c>reduction='batchmean'</c> and the like (<see cref="LossSpec.ReductionAliases"/>): mean reduction plus
    /// the option the alias stands for, unless the same options also set that option to false.
    /// </summary>
    static LossOptions ExpandReductionAlias(LossSpec spec, LossOptions options)
    {
        var reduction = options.Values.FirstOrDefault(kv => string.Equals(kv.Key, "reduction", StringComparison.OrdinalIgnoreCase));
        if (reduction.Key == null || reduction.Value is not string text) return options;
        var alias = spec.ReductionAliases.FirstOrDefault(kv => string.Equals(kv.Key, text.Trim(), StringComparison.OrdinalIgnoreCase));
        if (alias.Key == null) return options;
        var set = options.Values.FirstOrDefault(kv => string.Equals(kv.Key, alias.Value, StringComparison.OrdinalIgnoreCase));
        if (set.Key != null && set.Value != null
            && !(set.Value is true || set.Value is string s && s.Trim().Equals("true", StringComparison.OrdinalIgnoreCase)))
            throw new LossOptionException(
                $"Loss '{spec.Name}': reduction '{alias.Key}' means reduction 'mean' with {alias.Value} = true, " +
                $"but {alias.Value} is also set to {OptionSpec.FormatValue(set.Value)}; drop one of them.");
        return LossOptions.Of(options.Values.Where(kv => kv.Key != reduction.Key && kv.Key != set.Key).Select(kv => (kv.Key, kv.Value))
            .Append(("reduction", (object?)"mean")).Append((alias.Value, (object?)true)).ToArray());
    }

    /// <summary>
    /// Checks options against the loss's specs: unknown names, wrong types and out-of-range values
    /// are errors naming the option, the value and the valid range. When <paramref name="classCount"/>
    /// is given, per-class vectors must have exactly that many entries.
    /// </summary>
    public static ResolvedLossOptions Resolve(string name, LossOptions? options = null, int? classCount = null)
    {
        var spec = Get(name);
        options = ExpandReductionAlias(spec, options ?? LossOptions.Empty);
        var declared = spec.AllOptions;
        foreach (var given in options.Names)
        {
            if (declared.Any(o => string.Equals(o.Name, given, StringComparison.OrdinalIgnoreCase))) continue;
            var nearest = NearestName.Find(given, declared.Select(o => o.Name));
            throw new LossOptionException(
                $"Loss '{spec.Name}' has no option '{given}'." + (nearest is null ? "" : $" Did you mean '{nearest}'?") +
                $" Its options: {string.Join(", ", declared.Select(o => o.Name))}.");
        }

        var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var option in declared)
        {
            var raw = options.Values.FirstOrDefault(kv => string.Equals(kv.Key, option.Name, StringComparison.OrdinalIgnoreCase));
            object? value = option.Default;
            if (raw.Key != null && raw.Value != null)
            {
                try { value = LossOptions.Coerce(raw.Value, option); }
                catch (FloatRangeException e)
                {
                    throw new LossOptionException(
                        $"Loss '{spec.Name}', option '{option.Name}': '{OptionSpec.FormatValue(raw.Value)}' is not valid; " +
                        $"expected {e.Message} ({option.ValidRange}).");
                }
                catch (Exception e) when (e is FormatException or InvalidCastException or NullReferenceException)
                {
                    throw new LossOptionException(
                        $"Loss '{spec.Name}', option '{option.Name}': '{OptionSpec.FormatValue(raw.Value)}' is not valid; " +
                        $"expected {DescribeKind(option)} ({option.ValidRange}).");
                }
            }
            if (value != null && value is not double[] && option.IsValid != null && !option.IsValid(value))
                throw OutOfRange(spec, option, value);
            if (value is double[] vector)
            {
                if (vector.Length == 0 || (option.IsValid != null && !option.IsValid(vector)) || vector.Any(x => double.IsNaN(x) || double.IsInfinity(x)))
                    throw OutOfRange(spec, option, value);
                if (classCount is int c && ClassCountMismatch(spec, option, vector, c) is { } mismatch) throw mismatch;
            }
            if (value is double d && (double.IsNaN(d)))
                throw OutOfRange(spec, option, value);
            values[option.Name] = value;
        }
        return new ResolvedLossOptions(spec, values);
    }

    /// <summary>The problem of a per-class vector whose length is not the class count, or null (also for other options).</summary>
    internal static LossOptionException? ClassCountMismatch(LossSpec spec, OptionSpec option, object? value, int classCount) =>
        option.PerClass && value is double[] vector && vector.Length != classCount
            ? new LossOptionException(
                $"Loss '{spec.Name}', option '{option.Name}' has {vector.Length} entries, but the task has {classCount} classes: give one entry per class.")
            : null;

    /// <summary>
    /// Builds the loss module for a name and options (checked as <see cref="Resolve"/> does): a two- or three-input
    /// module as the loss's <see cref="LossSpec.InputCount"/> says; <see cref="CreateTwoInput"/> and
    /// <see cref="CreateThreeInput"/> hand it back typed.
    /// </summary>
    public static nn.Module Create(string name, LossOptions? options = null, int? classCount = null)
    {
        var resolved = Resolve(name, options, classCount);
        return Get(name).Factory(resolved);
    }

    /// <summary>Builds a loss whose forward is <c>(input, target)</c>; a three-input loss is an error saying so.</summary>
    public static nn.Module<Tensor, Tensor, Tensor> CreateTwoInput(string name, LossOptions? options = null, int? classCount = null) =>
        Typed<nn.Module<Tensor, Tensor, Tensor>>(name, options, classCount, 2);

    /// <summary>Builds a loss whose forward takes three inputs (<c>gaussian-nll</c>, the embedding losses); a two-input loss is an error.</summary>
    public static nn.Module<Tensor, Tensor, Tensor, Tensor> CreateThreeInput(string name, LossOptions? options = null, int? classCount = null) =>
        Typed<nn.Module<Tensor, Tensor, Tensor, Tensor>>(name, options, classCount, 3);

    static TModule Typed<TModule>(string name, LossOptions? options, int? classCount, int inputs) where TModule : nn.Module
    {
        var spec = Get(name);
        if (spec.InputCount != inputs)
            throw new LossOptionException(
                $"Loss '{spec.Name}' takes {spec.InputCount} inputs; build it with " +
                $"{(spec.InputCount == 2 ? nameof(CreateTwoInput) : nameof(CreateThreeInput))}.");
        return (TModule)spec.Factory(Resolve(name, options, classCount));
    }

    static LossOptionException OutOfRange(LossSpec spec, OptionSpec option, object value) =>
        new($"Loss '{spec.Name}', option '{option.Name}' = {OptionSpec.FormatValue(value)} is out of range; valid: {option.ValidRange}.");

    static string DescribeKind(OptionSpec o) => o.Kind switch
    {
        OptionKind.Real => "a real number",
        OptionKind.Integer => "an integer",
        OptionKind.Boolean => "true or false",
        OptionKind.RealVector => "a list of real numbers",
        _ => "a word",
    };
}
