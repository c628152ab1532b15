using Harness.Config;
using Harness.Data;
using Harness.Experiments;
using Harness.Metrics;
using Xunit;

namespace Harness.Tests.Experiments;

/// <summary>
/// The comparison protocol through the real runner: a seed resamples the data but every loss of that seed sees the same
/// data, weights and batches; tuning runs choose each loss's rate by validation score on seeds of their own.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class ProtocolTests
{
    static ExperimentConfig Grid(params int[] seeds) => new()
    {
        Name = "protocol",
        Dataset = new DatasetConfig { Name = "digits", TrainLimit = 300, Corruption = new CorruptionConfig { LabelNoise = 0.2 } },
        Model = new ModelConfig { Kind = "mlp", Hidden = [16], Dropout = 0.1 },
        Training = new TrainingConfig { Epochs = 2, BatchSize = 32 },
        Seeds = seeds,
        Losses = [new LossEntryConfig { Loss = "cross-entropy", DisplayName = "a" }, new LossEntryConfig { Loss = "cross-entropy", DisplayName = "b" }],
    };

    static string[] Untimed(IEnumerable<EpochMetrics> epochs) => epochs.Select(m => m with
    {
        EpochSeconds = 0,
        SamplesPerSecond = 0,
        ComputeSeconds = 0,
        DataSeconds = 0,
        EvaluationSeconds = 0,
    }).Select(m => m.ToString()).ToArray();

    [Fact]
    public void Within_a_seed_every_loss_sees_the_same_data_and_each_seed_draws_its_own()
    {
        var grid = GridRecorder.Record(Grid(3, 4));
        // Two entries of the same loss: within a seed, anything but the same data would make their runs differ.
        foreach (var seed in new[] { 3, 4 })
            Assert.Equal(Untimed(grid.Epochs[$"a-seed{seed}"]), Untimed(grid.Epochs[$"b-seed{seed}"]));

        // Seed 4 of the two-seed grid trains on seed 4's data, exactly as a grid of seed 4 alone does (where it is the
        // first seed) and as a grid whose data seed is fixed to 4: the runner hands every seed its own data.
        var alone = GridRecorder.Record(Grid(4));
        Assert.Equal(Untimed(alone.Epochs["a-seed4"]), Untimed(grid.Epochs["a-seed4"]));
        var fixedData = Grid(4) with { Dataset = Grid(4).Dataset with { Seed = 4 } };
        Assert.Equal(Untimed(GridRecorder.Record(fixedData).Epochs["a-seed4"]), Untimed(grid.Epochs["a-seed4"]));
        // ...and not the data of seed 3.
        var seed3Data = Grid(4) with { Dataset = Grid(4).Dataset with { Seed = 3 } };
        Assert.NotEqual(Untimed(GridRecorder.Record(seed3Data).Epochs["a-seed4"]), Untimed(grid.Epochs["a-seed4"]));
    }

    [Fact]
    public void Each_loss_trains_its_evaluation_seeds_at_the_rate_its_tuning_runs_chose_by_validation()
    {
        double[] rates = [1e-4, 3e-3];
        var config = Grid(0) with
        {
            Losses =
            [
                new LossEntryConfig { Loss = "cross-entropy", DisplayName = "ce" },
                new LossEntryConfig { Loss = "mse", DisplayName = "mse", Activation = "softmax", TargetEncoding = "one-hot" },
            ],
            Training = Grid(0).Training with { Epochs = 3 },
            Tuning = new TuningConfig { LearningRates = rates, Seeds = [10, 11] },
        };
        var grid = GridRecorder.Record(config);
        var tuning = grid.Completed.Where(r => r.Run.Tuning).ToList();
        Assert.Equal(2 * 2 * 2, tuning.Count);
        Assert.All(tuning, r => Assert.StartsWith("tuning/", r.Run.Id));
        Assert.Equal([10, 11], tuning.Select(r => r.Run.Seed).Distinct().Order());
        var evaluation = grid.Completed.Where(r => !r.Run.Tuning).ToList();
        Assert.Equal([0], evaluation.Select(r => r.Run.Seed).Distinct());
        foreach (var loss in new[] { "ce", "mse" })
        {
            var outcomes = tuning.Where(r => r.Run.LossDisplayName == loss)
                .Select(r => new TuningOutcome(r.Run.LearningRate!.Value, r.Run.Seed, r.Convergence.SelectedValidationScore));
            var expected = LearningRateSelection.Choose(rates, outcomes, higherIsBetter: true).Chosen;
            Assert.Equal(expected, evaluation.Single(r => r.Run.LossDisplayName == loss).Run.LearningRate);
            Assert.All(grid.Epochs[$"{loss}-seed0"], m => Assert.Equal(expected, m.LearningRate));
        }
        // Identical networks hold inside every (seed, rate) cell: same head size, same initial weights.
        foreach (var cell in grid.Started.GroupBy(r => (r.Seed, r.LearningRate)))
            Assert.Single(cell.Select(r => r.InitialWeightsHash).Distinct());
    }

    [Fact]
    public void Shards_of_a_tuned_grid_share_their_tuning_runs_and_end_with_the_single_process_rates()
    {
        var config = Grid(0, 1) with { Tuning = new TuningConfig { LearningRates = [1e-4, 3e-3], Seeds = [10] } };
        var single = GridRecorder.Record(config).Completed.Where(r => !r.Run.Tuning).ToDictionary(r => r.Run.Id, r => r.Run.LearningRate);
        var folder = Path.Combine(Path.GetTempPath(), "protocol-shards-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var data = new SeedData(config.Dataset, RepositoryPaths.Root, 10);
            IReadOnlyList<Harness.Training.RunResult> RunShard(string shard, bool resume)
            {
                var plan = ExperimentPlan.Create(config, data.First).Shard(GridShard.Parse(shard));
                var settings = new RunSettings(folder, TorchSharp.torch.CPU, false, "test", GridShard.Parse(shard), resume);
                ExperimentRunner.PrepareFolder(settings, config, plan);
                return ExperimentRunner.Run(config, data, plan, settings,
                    [
                        new Harness.Sinks.MetricsCsvSink(new Harness.Results.ResultsLayout(folder)),
                        new Harness.Sinks.RunSummaryWriter(folder, classification: true, writeGridSummary: false),
                    ]);
            }
            // Plan: tuning runs 0 (a, 1e-4), 1 (b, 1e-4), 2 (a, 3e-3), 3 (b, 3e-3), then a-seed0, b-seed0, a-seed1, b-seed1;
            // shard k of 3 holds the indices i with i mod 3 = k - 1. Shard 1 has a-seed1 but only one of a's tuning runs.
            var first = RunShard("1/3", resume: false);
            Assert.DoesNotContain(first, r => !r.Run.Tuning);
            var second = RunShard("2/3", resume: false);
            Assert.Equal(["b-seed1"], second.Where(r => !r.Run.Tuning).Select(r => r.Run.Id));
            var third = RunShard("3/3", resume: false);
            Assert.Equal(["b-seed0"], third.Where(r => !r.Run.Tuning).Select(r => r.Run.Id));
            var firstAgain = RunShard("1/3", resume: true);
            var secondAgain = RunShard("2/3", resume: true);
            Assert.Contains(firstAgain, r => r.Run.Id == "a-seed1");
            Assert.Contains(secondAgain, r => r.Run.Id == "a-seed0");
            var evaluated = first.Concat(second).Concat(third).Concat(firstAgain).Concat(secondAgain).Where(r => !r.Run.Tuning).GroupBy(r => r.Run.Id)
                .ToDictionary(g => g.Key, g => g.Select(r => r.Run.LearningRate).Distinct().Single());
            Assert.Equal(single.OrderBy(kv => kv.Key).ToList(), evaluated.OrderBy(kv => kv.Key).ToList());
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void Temperature_scaling_lowers_validation_nll_and_every_classification_epoch_logs_calibration()
    {
        var config = Grid(0) with
        {
            Losses = [new LossEntryConfig { Loss = "multi-margin", DisplayName = "hinge" }],
            Calibration = new CalibrationConfig { TemperatureScaling = true },
        };
        var grid = GridRecorder.Record(config);
        var run = Assert.Single(grid.Completed);
        var c = run.Calibration!;
        Assert.NotNull(c.Temperature);
        Assert.True(c.ValidationNllAfter <= c.ValidationNllBefore, $"{c.ValidationNllAfter} > {c.ValidationNllBefore}");
        Assert.Equal(run.History[^1].TestYardstick, c.Before.Nll, 9);
        Assert.Equal(run.History[^1].TestEce!.Value, c.Before.Ece, 12);
        Assert.Equal(15, c.Before.Reliability.Count);
        Assert.All(run.History, m => Assert.True(m.TestBrier > 0 && m.TestAdaptiveEce >= 0 && m.TestClasswiseEce >= 0));
    }

    [Fact]
    public void Without_a_validation_split_nothing_is_selected_and_no_target_is_reached_on_the_test_set()
    {
        var history = new[] { 0.5, 0.9, 0.7 }.Select((test, i) => new EpochMetrics
        {
            Epoch = i + 1, TrainLoss = 1, TestAccuracy = test, TestYardstick = 1, LearningRate = 0.1, MeanGradientNorm = 1,
            EpochSeconds = 1, SamplesPerSecond = 1, BatchOrderHash = "x",
        }).ToList();
        var c = ConvergenceMetrics.From(history, classification: true, target: 0.8, diverged: false, stoppedEarly: false);
        Assert.Null(c.SelectedEpoch);
        Assert.Null(c.EpochsToTarget);
        Assert.Null(c.AreaUnderValidationCurve);
        var stopping = new Harness.Training.EarlyStopping(new EarlyStoppingConfig { Enabled = true, Patience = 1 }, classification: true);
        Assert.All(history, m => Assert.False(stopping.ShouldStop(m)));

        var withValidation = history.Select((m, i) => m with { ValidationAccuracy = new[] { 0.6, 0.7, 0.8 }[i] }).ToList();
        var selected = ConvergenceMetrics.From(withValidation, classification: true, target: 0.75, diverged: false, stoppedEarly: false);
        Assert.Equal(3, selected.SelectedEpoch); // validation's best, not the test's best (epoch 2)
        Assert.Equal(3, selected.EpochsToTarget);
    }
}

/// <summary>The learning-rate choice on its own: validation scores only, divergence never wins.</summary>
public class LearningRateSelectionTests
{
    [Fact]
    public void The_best_mean_validation_score_wins_and_a_rate_that_diverged_on_a_seed_never_does()
    {
        double[] rates = [0.001, 0.01, 0.1];
        var outcomes = new[]
        {
            new TuningOutcome(0.001, 1, 0.80), new TuningOutcome(0.001, 2, 0.84),
            new TuningOutcome(0.01, 1, 0.90), new TuningOutcome(0.01, 2, 0.86),
            new TuningOutcome(0.1, 1, 0.99), new TuningOutcome(0.1, 2, null),
        };
        var choice = LearningRateSelection.Choose(rates, outcomes, higherIsBetter: true);
        Assert.Equal(0.01, choice.Chosen);
        Assert.Equal(0.82, choice.Candidates[0].Mean, 12);
        Assert.True(double.IsNaN(choice.Candidates[2].Mean));
        Assert.False(choice.AllDiverged);
        // Lower is better (RMSE): the smallest mean wins.
        Assert.Equal(0.001, LearningRateSelection.Choose(rates, outcomes, higherIsBetter: false).Chosen);
        var none = LearningRateSelection.Choose(rates, [new TuningOutcome(0.01, 1, null)], higherIsBetter: true);
        Assert.True(none.AllDiverged);
        Assert.Equal(0.001, none.Chosen);
    }
}

/// <summary>What experiment.json records about the code and machine a result came from.</summary>
public class ProvenanceTests
{
    [SkippableFact, Trait("Category", TestCategory.Process)]
    public void Inside_a_git_checkout_the_commit_and_dirtiness_are_recorded()
    {
        var p = Harness.Experiments.Provenance.Collect(RepositoryPaths.Root);
        Assert.NotNull(p.TorchSharp);
        Assert.False(string.IsNullOrWhiteSpace(p.VectorExtensions));
        Assert.True(p.Threads >= 1);
        Skip.If(!Directory.Exists(Path.Combine(RepositoryPaths.Root, ".git")) && !File.Exists(Path.Combine(RepositoryPaths.Root, ".git")),
            "not a git checkout: there is no commit to record");
        Assert.Matches("^[0-9a-f]{40}$", p.GitCommit);
        Assert.NotNull(p.GitDirty);
        // Changes inside the results folder being written are the result, not the code: they leave the tree clean.
        var repo = Directory.CreateTempSubdirectory("harness-provenance-repo-").FullName;
        try
        {
            void Git(params string[] args)
            {
                var start = new System.Diagnostics.ProcessStartInfo("git")
                {
                    WorkingDirectory = repo, RedirectStandardOutput = true, RedirectStandardError = true,
                };
                foreach (var a in new[] { "-c", "user.name=t", "-c", "user.email=t@t" }.Concat(args)) start.ArgumentList.Add(a);
                using var process = System.Diagnostics.Process.Start(start)!;
                process.WaitForExit();
                Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
            }
            Directory.CreateDirectory(Path.Combine(repo, "results", "x"));
            File.WriteAllText(Path.Combine(repo, "code.cs"), "a");
            File.WriteAllText(Path.Combine(repo, "results", "x", "report.md"), "a");
            Git("init", "-q");
            Git("add", "-A");
            Git("commit", "-q", "-m", "c");
            File.WriteAllText(Path.Combine(repo, "results", "x", "report.md"), "b");
            Assert.False(Harness.Experiments.Provenance.Collect(repo, Path.Combine(repo, "results", "x")).GitDirty);
            Assert.True(Harness.Experiments.Provenance.Collect(repo).GitDirty);
            File.WriteAllText(Path.Combine(repo, "code.cs"), "b");
            Assert.True(Harness.Experiments.Provenance.Collect(repo, Path.Combine(repo, "results", "x")).GitDirty);
        }
        finally { Directory.Delete(repo, true); }
        // Outside a repository there is no commit to name, and no error either.
        var outside = Directory.CreateTempSubdirectory("harness-provenance-").FullName;
        try { Assert.Null(Harness.Experiments.Provenance.Collect(outside).GitCommit); }
        finally { Directory.Delete(outside); }
    }
}
