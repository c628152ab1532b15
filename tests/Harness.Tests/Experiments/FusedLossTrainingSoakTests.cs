using Harness.Config;
using Harness.Data;
using Harness.Training;
using Xunit;

namespace Harness.Tests.Experiments;

/// <summary>
/// Every loss with a fused-kernel fast path (src/CustomLosses/Kernels) trained end to end through the real runner on
/// shipped data: thousands of forward/backward calls through the hand-written autograd functions, with the model output
/// (not a leaf) as their input, as in every real run. Each run must finish without divergence, lower its training loss
/// and learn the task. (A real Fashion-MNIST training once crashed inside the fused NLL kernel; the kernel-level
/// garbage-collection stress test in CustomLosses.Tests guards that cause.)
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class FusedLossTrainingSoakTests
{
    static LossEntryConfig Entry(string loss, string activation = "", string encoding = "", params (string Key, string Value)[] options) => new()
    {
        Loss = loss,
        DisplayName = loss + string.Concat(options.Select(o => $" {o.Key}={o.Value}")),
        Activation = activation,
        TargetEncoding = encoding,
        Options = options.ToDictionary(o => o.Key, o => o.Value),
    };

    static IReadOnlyList<RunResult> Train(string dataset, IReadOnlyList<LossEntryConfig> losses)
    {
        var config = new ExperimentConfig
        {
            Name = "fused-soak",
            Dataset = new DatasetConfig { Name = dataset },
            Model = new ModelConfig { Kind = "mlp", Hidden = [32] },
            Training = new TrainingConfig { Epochs = 6, BatchSize = 32 },
            Seeds = [0],
            Losses = losses,
        };
        return GridRecorder.Record(config).Completed;
    }

    static void AssertLearned(RunResult run, Func<Metrics.EpochMetrics, double> score, double floor)
    {
        var name = run.Run.LossDisplayName;
        Assert.False(run.Convergence.Diverged, $"{name}: {run.DivergenceNote}");
        Assert.Equal(6, run.History.Count);
        Assert.True(run.History[^1].TrainLoss < run.History[0].TrainLoss,
            $"{name}: training loss went from {run.History[0].TrainLoss} to {run.History[^1].TrainLoss}");
        Assert.True(score(run.History[^1]) >= floor, $"{name}: final test score {score(run.History[^1])} is under {floor}");
    }

    [Fact]
    public void Multi_class_fast_paths_train_digits()
    {
        var runs = Train("digits",
        [
            Entry("cross-entropy"),
            Entry("cross-entropy", options: ("weight", "[1,2,1,2,1,2,1,2,1,2]")),
            Entry("nll", activation: "log-softmax"),
            Entry("multi-margin"),
            Entry("multi-margin", options: ("p", "2")),
            Entry("mse", activation: "softmax", encoding: "one-hot"),
        ]);
        Assert.Equal(6, runs.Count);
        foreach (var run in runs) AssertLearned(run, m => m.TestAccuracy!.Value, 0.85);
    }

    [Fact]
    public void Regression_and_binary_fast_paths_train_shipped_sets()
    {
        var regression = Train("diabetes",
            [Entry("mse"), Entry("l1"), Entry("huber", options: ("delta", "0.5")), Entry("smooth-l1", options: ("beta", "0.5"))]);
        Assert.Equal(4, regression.Count);
        foreach (var run in regression) AssertLearned(run, m => m.TestR2!.Value, 0.2);

        var binary = Train("breast-cancer", [Entry("bce-with-logits", encoding: "zero-one")]);
        AssertLearned(binary.Single(), m => m.TestAccuracy!.Value, 0.9);
    }
}
