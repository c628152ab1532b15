namespace Harness.Reporting;

/// <summary>A per-run quantity summarized over seeds.</summary>
/// <param name="Key">camelCase key in report.json.</param>
/// <param name="Label">Column heading in report.md.</param>
/// <param name="Value">The run's value (null: not available).</param>
/// <param name="HigherIsBetter">Direction, for the reader.</param>
public sealed record ReportMetric(string Key, string Label, Func<RunRecord, double?> Value, bool HigherIsBetter);

/// <summary>A (loss, seed) cell without a finished run.</summary>
/// <param name="Loss">The loss.</param>
/// <param name="Seed">The seed.</param>
/// <param name="Reason">"not run" or what is there instead.</param>
public sealed record MissingCell(string Loss, int Seed, string Reason);

/// <summary>Everything the report says about one loss.</summary>
public sealed record LossStatistics
{
    /// <summary>The loss entry.</summary>
    public required ReportLoss Loss { get; init; }
    /// <summary>1-based rank by mean final test score; null when the loss has no score.</summary>
    public int? Rank { get; init; }
    /// <summary>Finished runs (with a summary.json).</summary>
    public required int Runs { get; init; }
    /// <summary>Seeds in the grid.</summary>
    public required int Seeds { get; init; }
    /// <summary>Final test score of each finished seed (accuracy or RMSE; NaN when the run has none).</summary>
    public required IReadOnlyDictionary<int, double> FinalScores { get; init; }
    /// <summary>Summaries by <see cref="ReportMetric.Key"/>.</summary>
    public required IReadOnlyDictionary<string, SampleSummary> Metrics { get; init; }
    /// <summary>Finished runs that reached the convergence target.</summary>
    public required int ReachedTarget { get; init; }
    /// <summary>Finished runs that diverged.</summary>
    public required int Diverged { get; init; }
    /// <summary>Mean test recall per class over finished seeds (classification), or null.</summary>
    public IReadOnlyList<double>? MeanRecallPerClass { get; init; }
    /// <summary>Paired comparison with the baseline (null for the baseline itself).</summary>
    public PairedComparison? VersusBaseline { get; init; }
}

/// <summary>The numbers of an experiment report, computed from <see cref="ExperimentResults"/> alone.</summary>
public sealed class ExperimentAnalysis
{
    /// <summary>The results analysed.</summary>
    public required ExperimentResults Results { get; init; }
    /// <summary>Metrics summarized, in table order.</summary>
    public required IReadOnlyList<ReportMetric> Metrics { get; init; }
    /// <summary>Per loss, in config order.</summary>
    public required IReadOnlyList<LossStatistics> Losses { get; init; }
    /// <summary>Losses ranked by mean final test score (best first; losses without a score last).</summary>
    public required IReadOnlyList<LossStatistics> Ranked { get; init; }
    /// <summary>Cells without a finished run.</summary>
    public required IReadOnlyList<MissingCell> Missing { get; init; }
    /// <summary>Confidence level of every interval.</summary>
    public double Level { get; init; } = 0.95;

    /// <summary>Key of the final test score metric.</summary>
    public string ScoreKey => Results.Classification ? "finalTestAccuracy" : "finalTestRmse";
    /// <summary>Name of the score in prose.</summary>
    public string ScoreName => Results.Classification ? "test accuracy" : "test RMSE";

    /// <summary>The metrics summarized for a task.</summary>
    public static IReadOnlyList<ReportMetric> MetricsFor(bool classification) => classification
        ?
        [
            new("finalTestAccuracy", "final test accuracy", r => r.Summary?.FinalTestScore, true),
            new("bestTestAccuracy", "best test accuracy", r => r.Summary?.BestTestScore, true),
            new("finalTestCrossEntropy", "final test cross-entropy (yardstick)", r => r.Summary?.FinalTestYardstick, false),
            new("finalTestBalancedAccuracy", "final test balanced accuracy", r => r.Summary?.FinalTestBalancedAccuracy, true),
            new("finalTestMacroF1", "final test macro-F1", r => r.Summary?.FinalTestMacroF1, true),
            new("epochsToTarget", "epochs to target", r => r.Summary?.EpochsToTarget, false),
            new("secondsToTarget", "seconds to target", r => r.Summary?.SecondsToTarget, false),
        ]
        :
        [
            new("finalTestRmse", "final test RMSE", r => r.Summary?.FinalTestScore, false),
            new("bestTestRmse", "best test RMSE", r => r.Summary?.BestTestScore, false),
            new("finalTestMae", "final test MAE", r => r.Summary == null ? null : r.Epochs.LastOrDefault()?.TestMae, false),
            new("finalTestMse", "final test MSE (yardstick)", r => r.Summary?.FinalTestYardstick, false),
            new("epochsToTarget", "epochs to target", r => r.Summary?.EpochsToTarget, false),
            new("secondsToTarget", "seconds to target", r => r.Summary?.SecondsToTarget, false),
        ];

    /// <summary>Computes the statistics.</summary>
    public static ExperimentAnalysis Of(ExperimentResults results, double level = 0.95)
    {
        var metrics = MetricsFor(results.Classification);
        var scoreKey = results.Classification ? "finalTestAccuracy" : "finalTestRmse";
        var missing = new List<MissingCell>();
        var perLoss = new List<LossStatistics>();
        Dictionary<int, double>? baselineScores = null;
        foreach (var loss in results.Losses)
        {
            var finished = new List<RunRecord>();
            foreach (var seed in results.Seeds)
            {
                var run = results.Run(loss, seed);
                if (run == null) missing.Add(new MissingCell(loss.DisplayName, seed, "not run (no run folder)"));
                else if (!run.Complete)
                    missing.Add(new MissingCell(loss.DisplayName, seed,
                        $"no summary.json in runs/{run.Id} (metrics.csv has {run.Epochs.Count} epoch(s); interrupted?)"));
                else finished.Add(run);
            }
            var summaries = metrics.ToDictionary(m => m.Key, m => SampleSummary.Of(finished.Select(r => m.Value(r) ?? double.NaN), level));
            var scores = finished.ToDictionary(r => r.Seed, r => r.Summary!.FinalTestScore ?? double.NaN);
            if (loss == results.Baseline) baselineScores = scores;

            IReadOnlyList<double>? recall = null;
            var recalls = finished.Select(r => r.Summary!.TestRecallPerClass).OfType<IReadOnlyList<double?>>().ToList();
            if (results.Classification && recalls.Count > 0)
            {
                var classes = recalls.Max(r => r.Count);
                recall = Enumerable.Range(0, classes).Select(c =>
                {
                    var xs = recalls.Where(r => c < r.Count && r[c] is { } v && double.IsFinite(v)).Select(r => r[c]!.Value).ToList();
                    return xs.Count == 0 ? double.NaN : xs.Average();
                }).ToList();
            }
            perLoss.Add(new LossStatistics
            {
                Loss = loss,
                Runs = finished.Count,
                Seeds = results.Seeds.Count,
                FinalScores = scores,
                Metrics = summaries,
                ReachedTarget = finished.Count(r => r.Summary!.EpochsToTarget != null),
                Diverged = finished.Count(r => r.Summary!.Diverged),
                MeanRecallPerClass = recall,
            });
        }

        if (baselineScores != null)
            perLoss = perLoss.Select(s => s.Loss == results.Baseline ? s : s with { VersusBaseline = PairedComparison.Of(s.FinalScores, baselineScores, level) }).ToList();

        var withScore = perLoss.Where(s => s.Metrics[scoreKey].Count > 0);
        var ordered = (results.Classification
                ? withScore.OrderByDescending(s => s.Metrics[scoreKey].Mean)
                : withScore.OrderBy(s => s.Metrics[scoreKey].Mean))
            .ThenBy(s => perLoss.IndexOf(s)).ToList();
        var ranks = ordered.Select((s, i) => (s.Loss, Rank: i + 1)).ToDictionary(x => x.Loss, x => x.Rank);
        perLoss = perLoss.Select(s => s with { Rank = ranks.TryGetValue(s.Loss, out var r) ? r : null }).ToList();
        var ranked = perLoss.Where(s => s.Rank != null).OrderBy(s => s.Rank).Concat(perLoss.Where(s => s.Rank == null)).ToList();

        return new ExperimentAnalysis { Results = results, Metrics = metrics, Losses = perLoss, Ranked = ranked, Missing = missing, Level = level };
    }
}
