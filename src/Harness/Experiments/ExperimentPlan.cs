using Harness.Config;
using Harness.Data;
using Harness.Training;

namespace Harness.Experiments;

/// <summary>One cell of the grid: a loss entry and a seed.</summary>
/// <param name="Index">0-based position (seeds outer, losses inner, so partial grids cover every loss of early seeds).</param>
/// <param name="Id">Folder-safe run id.</param>
/// <param name="Seed">The seed.</param>
/// <param name="Binding">The loss bound to the data.</param>
public sealed record PlannedRun(int Index, string Id, int Seed, LossBinding Binding);

/// <summary>
/// The grid an experiment describes, with every loss entry bound to the data before anything runs, so a
/// loss that cannot apply fails the whole command up front, before a results folder exists.
/// </summary>
public sealed class ExperimentPlan
{
    ExperimentPlan(IReadOnlyList<PlannedRun> runs) => Runs = runs;

    /// <summary>The runs in execution order.</summary>
    public IReadOnlyList<PlannedRun> Runs { get; }

    /// <summary>Binds every loss entry to the data and lays out (seed x loss).</summary>
    public static ExperimentPlan Create(ExperimentConfig config, PreparedData data)
    {
        var bindings = config.Losses.Select(e => LossBinding.Create(e, data.Task, data.ClassCount)).ToList();
        var ids = bindings.Select(b => RunId(b.DisplayName)).ToList();
        var clash = ids.GroupBy(i => i).FirstOrDefault(g => g.Count() > 1);
        if (clash != null)
            throw new ExperimentSetupException($"two losses map to the run folder name '{clash.Key}': give them distinct displayName values.");
        var runs = new List<PlannedRun>();
        foreach (var seed in config.Seeds)
            for (int l = 0; l < bindings.Count; l++)
                runs.Add(new PlannedRun(runs.Count, $"{ids[l]}-seed{seed}", seed, bindings[l]));
        return new ExperimentPlan(runs);
    }

    /// <summary>The runs of one shard, keeping their plan indices (and so their seeds, weights and data orders).</summary>
    public ExperimentPlan Shard(GridShard shard) => shard.IsPartial ? new ExperimentPlan(Runs.Where(r => shard.Contains(r.Index)).ToList()) : this;

    /// <summary>A display name as a folder name: lower case, letters, digits, '.', '_' and '-' only.</summary>
    public static string RunId(string displayName)
    {
        var chars = displayName.Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-').ToArray();
        var id = string.Join("-", new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries)).Trim('.');
        return id.Length == 0 ? "loss" : id;
    }
}
