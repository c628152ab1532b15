using Harness.Config;
using Harness.Data;
using Xunit;

namespace Harness.Tests.Experiments;

/// <summary>Divergence, early stopping and schedules, on small real runs.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public class TrainingBehaviourTests
{
    static GridRecorder Run(ExperimentConfig config) => GridRecorder.Record(config);

    static ExperimentConfig Base => new()
    {
        Name = "behaviour",
        Dataset = new DatasetConfig { Name = "digits", TrainLimit = 400 },
        Model = new ModelConfig { Kind = "mlp", Hidden = [16] },
        Training = new TrainingConfig { Epochs = 4, BatchSize = 32 },
        Seeds = [0],
        Losses = [new LossEntryConfig { Loss = "cross-entropy" }],
    };

    [Fact]
    public void A_diverging_run_is_marked_and_the_grid_goes_on()
    {
        var config = Base with
        {
            Losses =
            [
                new LossEntryConfig { Loss = "cross-entropy", DisplayName = "huge", Options = new Dictionary<string, string> { ["reduction"] = "sum" } },
                new LossEntryConfig { Loss = "cross-entropy", DisplayName = "sane" },
            ],
            Training = Base.Training with { Optimizer = new OptimizerConfig { Name = "sgd", LearningRate = 1e30 } },
        };
        var recorder = Run(config);
        var huge = recorder.Completed.Single(r => r.Run.LossDisplayName == "huge");
        Assert.True(huge.Convergence.Diverged);
        Assert.Matches(@"^loss became \S+ at epoch 1, batch \d+$", huge.DivergenceNote);
        // The grid went on after the diverged run: the next run started and finished with its own result.
        Assert.Equal(2, recorder.Completed.Count);
        Assert.Equal("sane", recorder.Completed[1].Run.LossDisplayName);
    }

    [Fact]
    public void Each_epoch_splits_its_time_into_compute_evaluation_and_the_harness_overhead()
    {
        var history = Run(Base).Completed.Single().History;
        Assert.All(history, h =>
        {
            Assert.True(h.ComputeSeconds > 0, $"compute {h.ComputeSeconds}");
            Assert.True(h.DataSeconds > 0, $"data {h.DataSeconds}");
            Assert.True(h.EvaluationSeconds > 0, $"evaluation {h.EvaluationSeconds}");
            // Disjoint parts of the epoch's wall time; what is left is the harness's bookkeeping.
            Assert.True(h.ComputeSeconds + h.DataSeconds + h.EvaluationSeconds <= h.EpochSeconds,
                $"{h.ComputeSeconds} + {h.DataSeconds} + {h.EvaluationSeconds} > {h.EpochSeconds}");
        });
    }

    [Fact]
    public void Early_stopping_ends_a_run_after_patience_epochs_without_improvement()
    {
        var config = Base with
        {
            Training = Base.Training with
            {
                Epochs = 30,
                Optimizer = new OptimizerConfig { Name = "sgd", LearningRate = 1e-9 }, // nothing improves
                EarlyStopping = new EarlyStoppingConfig { Enabled = true, Patience = 3, Metric = "loss", MinDelta = 1e-3 },
            },
        };
        var run = Run(config).Completed.Single();
        Assert.True(run.Convergence.StoppedEarly);
        Assert.Equal(4, run.History.Count); // epoch 1 sets the best, epochs 2-4 fail to improve
    }

    [Fact]
    public void Step_schedule_lowers_the_learning_rate_on_schedule()
    {
        var config = Base with
        {
            Training = Base.Training with
            {
                Epochs = 5,
                Optimizer = new OptimizerConfig { Name = "sgd", LearningRate = 0.1, Momentum = 0.9, Nesterov = true },
                Schedule = new ScheduleConfig { Name = "step", StepSize = 2, Gamma = 0.5 },
                GradientClipNorm = 1.0,
            },
        };
        var history = Run(config).Completed.Single().History;
        Assert.Equal([0.1, 0.1, 0.05, 0.05, 0.025], history.Select(h => Math.Round(h.LearningRate, 10)));
        Assert.All(history, h => Assert.True(h.MeanGradientNorm > 0));
    }
}
