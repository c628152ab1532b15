using Harness.Config;
using Harness.Data;
using Harness.Training;

namespace Harness.Experiments;

/// <summary>One cell of the grid: a loss entry, a seed and, for tuning runs, a candidate learning rate.</summary>
/// <param name="Index">0-based position (tuning runs first; seeds outer, losses inner, so partial grids cover every loss of early seeds).</param>
/// <param name="Id">Folder-safe run id, relative to runs/ (tuning runs live under runs/tuning/).</param>
/// <param name="Seed">The seed.</param>
/// <param name="Binding">The loss bound to the data.</param>
/// <param name="LearningRate">A tuning run's candidate rate; null for evaluation runs (the config's rate, or the rate tuning chose).</param>
public sealed record PlannedRun(int Index, string Id, int Seed, LossBinding Binding, double? LearningRate = null)
{
    /// <summary>A learning-rate tuning run.</summary>
    public bool Tuning => LearningRate != null;
}

/// <summary>
/// The grid an experiment describes, with every loss entry bound to the data before anything runs, so a
/// loss that cannot apply fails the whole command up front, before a results folder exists.
/// </summary>
public sealed class ExperimentPlan
{
    ExperimentPlan(IReadOnlyList<PlannedRun> runs, IReadOnlyList<PlannedRun> grid) => (Runs, Grid) = (runs, grid);

    /// <summary>The runs this process runs, in execution order.</summary>
    public IReadOnlyList<PlannedRun> Runs { get; }

    /// <summary>Every run of the grid, also those of other shards (tuning needs all of a loss's tuning runs to choose).</summary>
    public IReadOnlyList<PlannedRun> Grid { get; }

    /// <summary>Binds every loss entry to the data and lays out (seed x loss).</summary>
    public static ExperimentPlan Create(ExperimentConfig config, PreparedData data)
    {
        var bindings = config.Losses.Select(e => LossBinding.Create(e, data.Task, data.ClassCount, data.Name)).ToList();
        var ids = bindings.Select(b => RunId(b.DisplayName)).ToList();
        var clash = ids.GroupBy(i => i).FirstOrDefault(g => g.Count() > 1);
        if (clash != null)
            throw new ExperimentSetupException($"two losses map to the run folder name '{clash.Key}': give them distinct displayName values.");
        var runs = new List<PlannedRun>();
        foreach (var seed in config.Tuning.LearningRates.Count == 0 ? [] : config.Tuning.Seeds)
            foreach (var rate in config.Tuning.LearningRates)
                for (int l = 0; l < bindings.Count; l++)
                    runs.Add(new PlannedRun(runs.Count, TuningId(ids[l], rate, seed), seed, bindings[l], rate));
        foreach (var seed in config.Seeds)
            for (int l = 0; l < bindings.Count; l++)
                runs.Add(new PlannedRun(runs.Count, $"{ids[l]}-seed{seed}", seed, bindings[l]));
        return new ExperimentPlan(runs, runs);
    }

    /// <summary>The folder (under runs/) of a tuning run.</summary>
    public static string TuningId(string lossId, double rate, int seed) =>
        $"{TuningFolder}/{lossId}-lr{rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture).ToLowerInvariant()}-seed{seed}";

    /// <summary>Tuning runs live in runs/&lt;this&gt;/, apart from the evaluation runs the report ranks.</summary>
    public const string TuningFolder = "tuning";

    /// <summary>The runs of one shard, keeping their plan indices (and so their seeds, weights and data orders).</summary>
    public ExperimentPlan Shard(GridShard shard) => shard.IsPartial ? new ExperimentPlan(Runs.Where(r => shard.Contains(r.Index)).ToList(), Grid) : this;

    /// <summary>A display name as a folder name: lower case, letters, digits, '.', '_' and '-' only.</summary>
    public static string RunId(string displayName)
    {
        var chars = displayName.Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-').ToArray();
        var id = string.Join("-", new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries)).Trim('.');
        return id.Length == 0 ? "loss" : id;
    }
}
