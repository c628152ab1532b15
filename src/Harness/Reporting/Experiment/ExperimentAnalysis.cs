using Harness.Metrics;
using Harness.Reporting.Statistics;

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
    /// <summary>1-based rank by the mean of the ranking metric; null when the loss has no score.</summary>
    public int? Rank { get; init; }
    /// <summary>Finished runs (with a summary.json).</summary>
    public required int Runs { get; init; }
    /// <summary>Seeds in the grid.</summary>
    public required int Seeds { get; init; }
    /// <summary>The ranking metric of each finished seed (NaN when the run has none).</summary>
    public required IReadOnlyDictionary<int, double> Scores { get; init; }
    /// <summary>Summaries by <see cref="ReportMetric.Key"/>.</summary>
    public required IReadOnlyDictionary<string, SampleSummary> Metrics { get; init; }
    /// <summary>Finished runs that reached the convergence target.</summary>
    public required int ReachedTarget { get; init; }
    /// <summary>Finished runs that diverged.</summary>
    public required int Diverged { get; init; }
    /// <summary>The learning rate its evaluation runs used (tuned or configured); null when unknown.</summary>
    public double? LearningRate { get; init; }
    /// <summary>Mean test recall per class at the final epoch over finished seeds (classification), or null.</summary>
    public IReadOnlyList<double>? MeanRecallPerClass { get; init; }
    /// <summary>Where it stands against the best loss (paired, Holm-adjusted; tied or not).</summary>
    public ContenderStanding? VersusBest { get; init; }
    /// <summary>Where it stands against the baseline (null for the baseline itself).</summary>
    public ContenderStanding? VersusBaseline { get; init; }
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
    /// <summary>Losses ranked by the mean of the ranking metric (best first; losses without a score last).</summary>
    public required IReadOnlyList<LossStatistics> Ranked { get; init; }
    /// <summary>Cells without a finished run.</summary>
    public required IReadOnlyList<MissingCell> Missing { get; init; }
    /// <summary>Every loss against the best by mean: the tied group and the verdict come from this.</summary>
    public required LossComparison VersusBest { get; init; }
    /// <summary>Every loss against the baseline, or null without one.</summary>
    public LossComparison? VersusBaseline { get; init; }
    /// <summary>The verdict, in words, from <see cref="VersusBest"/>.</summary>
    public required string Verdict { get; init; }
    /// <summary>The ranking metric is read at the validation-selected epoch (else at the final epoch: no run has a validation split).</summary>
    public required bool AtSelectedEpoch { get; init; }
    /// <summary>Per loss, the learning-rate tuning outcome (empty without tuning).</summary>
    public required IReadOnlyDictionary<ReportLoss, RateChoice> Tuning { get; init; }
    /// <summary>Confidence level of every interval.</summary>
    public double Level { get; init; } = 0.95;
    /// <summary>Family-wise significance level of the paired tests.</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>Key of the ranking metric in <see cref="LossStatistics.Metrics"/>.</summary>
    public string ScoreKey => Key(Results.RankBy, AtSelectedEpoch);
    /// <summary>Name of the ranking metric in prose, e.g. "test accuracy at the selected epoch".</summary>
    public string ScoreName => $"test {Results.RankBy.Label} at the {(AtSelectedEpoch ? "selected" : "final")} epoch";

    /// <summary>The report.json key of a test metric at the selected or final epoch, e.g. testAccuracyAtSelectedEpoch.</summary>
    public static string Key(ScoreMetric metric, bool selected) =>
        "test" + string.Concat(metric.Key.Split('-').Select(w => char.ToUpperInvariant(w[0]) + w[1..])) + (selected ? "AtSelectedEpoch" : "AtFinalEpoch");

    /// <summary>The metrics summarized for a task: every test metric at the selected and the final epoch, then convergence.</summary>
    public static IReadOnlyList<ReportMetric> MetricsFor(bool classification)
    {
        var list = new List<ReportMetric>();
        foreach (var selected in new[] { true, false })
            foreach (var m in ScoreMetric.For(classification))
                list.Add(new ReportMetric(
                    Key(m, selected), $"test {m.Label} ({(selected ? "selected" : "final")} epoch)", r => r.Test(m, selected), m.HigherIsBetter));
        list.Add(new ReportMetric("epochsToTarget", "epochs to target", r => r.Summary?.EpochsToTarget, false));
        list.Add(new ReportMetric("secondsToTarget", "seconds to target", r => r.Summary?.SecondsToTarget, false));
        return list;
    }

    /// <summary>Computes the statistics.</summary>
    public static ExperimentAnalysis Of(ExperimentResults results, double level = 0.95, double alpha = 0.05)
    {
        var metrics = MetricsFor(results.Classification);
        var atSelected = results.Runs.Any(r => r.Summary?.SelectedEpoch != null);
        var scoreKey = Key(results.RankBy, atSelected);
        var score = metrics.First(m => m.Key == scoreKey);
        var missing = new List<MissingCell>();
        var perLoss = new List<LossStatistics>();
        foreach (var loss in results.Losses)
        {
            var finished = new List<RunRecord>();
            foreach (var seed in results.Seeds)
            {
                var run = results.Run(loss, seed);
                if (run == null) missing.Add(new MissingCell(loss.DisplayName, seed, "not run (no run folder)"));
                else if (run.Failure != null) missing.Add(new MissingCell(loss.DisplayName, seed,
                    $"failed: {run.Failure} (runs/{run.Id}/summary.json; --resume retries it)"));
                else if (!run.Complete)
                    missing.Add(new MissingCell(loss.DisplayName, seed,
                        $"no summary.json in runs/{run.Id} (metrics.csv has {run.Epochs.Count} epoch(s); interrupted?)"));
                else finished.Add(run);
            }
            var summaries = metrics.ToDictionary(m => m.Key, m => SampleSummary.Of(finished.Select(r => m.Value(r) ?? double.NaN), level));

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
                Scores = finished.ToDictionary(r => r.Seed, r => score.Value(r) ?? double.NaN),
                Metrics = summaries,
                ReachedTarget = finished.Count(r => r.Summary!.EpochsToTarget != null),
                Diverged = finished.Count(r => r.Summary!.Diverged),
                // Folders written before runs recorded their rate: without tuning it is the config's.
                LearningRate = finished.Select(r => r.Summary!.LearningRate).FirstOrDefault(x => x != null)
                               ?? (results.TuningRates.Count == 0 && finished.Count > 0 ? results.ConfiguredLearningRate : null),
                MeanRecallPerClass = recall,
            });
        }

        var contenders = perLoss.Select(s => new Contender(s.Loss.DisplayName, s.Scores)).ToList();
        var versusBest = LossComparison.AgainstBest(contenders, score.HigherIsBetter, alpha, level);
        var versusBaseline = results.Baseline is { } b && contenders.Count > 1
            ? LossComparison.AgainstBaseline(contenders, b.DisplayName, score.HigherIsBetter, alpha, level)
            : null;
        var order = versusBest.Standings.Select(x => x.Name).ToList();
        perLoss = perLoss.Select(s =>
        {
            var best = versusBest.Standings.First(x => x.Name == s.Loss.DisplayName);
            var baseline = versusBaseline?.Standings.First(x => x.Name == s.Loss.DisplayName);
            return s with
            {
                Rank = best.HasScores ? order.IndexOf(s.Loss.DisplayName) + 1 : null,
                VersusBest = best,
                VersusBaseline = baseline is { IsReference: false } ? baseline : null,
            };
        }).ToList();
        var ranked = perLoss.OrderBy(s => order.IndexOf(s.Loss.DisplayName)).ToList();

        var tuning = new Dictionary<ReportLoss, RateChoice>();
        if (results.TuningRates.Count > 0)
        {
            bool higher = SelectionRule.HigherIsBetter(results.Classification, results.SelectByLoss);
            foreach (var loss in results.Losses)
            {
                var outcomes = results.TuningRuns.Where(r => r.Loss == loss && r.Summary?.LearningRate != null)
                    .Select(r => new TuningOutcome(
                        r.Summary!.LearningRate!.Value, r.Seed, r.Summary.Diverged ? null : r.Summary.ValidationScoreAtSelectedEpoch));
                tuning[loss] = LearningRateSelection.Choose(results.TuningRates, outcomes, higher);
            }
        }

        var decimals = ExperimentReportMarkdown.Decimals(perLoss.Select(s => s.Metrics[scoreKey].Mean), scoreKey);
        var verdict = Statistics.Verdict.Write(versusBest, $"test {results.RankBy.Label} at the " +
                                                           $"{(atSelected ? "validation-selected" : "final")} epoch", decimals, alpha);
        return new ExperimentAnalysis
        {
            Results = results, Metrics = metrics, Losses = perLoss, Ranked = ranked, Missing = missing, Level = level, Alpha = alpha,
            VersusBest = versusBest, VersusBaseline = versusBaseline, Verdict = verdict, AtSelectedEpoch = atSelected, Tuning = tuning,
        };
    }
}
