using Harness.Config;
using Harness.Data;
using Xunit;

namespace Harness.Tests.Experiments;

/// <summary>
/// Runs that train at once on threads of one process (--jobs) give what they give one after another, bit for bit
/// outside the timing columns: dropout, label noise, several seeds and learning-rate tuning included.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class ConcurrentRunsTests
{
    static readonly ExperimentConfig Grid = new()
    {
        Name = "concurrent",
        Dataset = new DatasetConfig { Name = "digits", TrainLimit = 300, Corruption = new CorruptionConfig { LabelNoise = 0.2 } },
        Model = new ModelConfig { Kind = "mlp", Hidden = [16], Dropout = 0.2 },
        Training = new TrainingConfig { Epochs = 3, BatchSize = 32 },
        Seeds = [0, 1, 2],
        Tuning = new TuningConfig { LearningRates = [1e-3, 1e-2], Seeds = [10] },
        Threads = 1,
        Losses =
        [
            new LossEntryConfig { Loss = "cross-entropy", DisplayName = "ce" },
            new LossEntryConfig { Loss = "focal", DisplayName = "focal", Options = new Dictionary<string, string> { ["gamma"] = "2" } },
            new LossEntryConfig { Loss = "mse", DisplayName = "mse", Activation = "softmax", TargetEncoding = "one-hot" },
        ],
    };

    static Dictionary<string, string[]> Untimed(GridRecorder grid) => grid.Epochs.ToDictionary(e => e.Key, e => e.Value.Select(m => (m with
    {
        EpochSeconds = 0,
        SamplesPerSecond = 0,
        ComputeSeconds = 0,
        DataSeconds = 0,
        EvaluationSeconds = 0,
    }).ToString()).ToArray());

    [Fact]
    public void Three_runs_at_once_train_every_run_as_one_at_a_time_does()
    {
        var alone = GridRecorder.Record(Grid);
        var together = GridRecorder.Record(Grid, jobs: 3);
        var expected = Untimed(alone);
        Assert.Equal(3 * 2 + 3 * 3, expected.Count);
        Assert.Equal(expected.Keys.Order(), Untimed(together).Keys.Order());
        foreach (var (run, epochs) in Untimed(together)) Assert.Equal(expected[run], epochs);
        // The same rates chosen, and the same positions in the grid.
        Assert.Equal(alone.Started.Select(r => (r.Id, r.Index, r.LearningRate)).Order(), together.Started.Select(r => (r.Id, r.Index, r.LearningRate)).Order());
    }
}
