using Harness.Config;
using Harness.Data;
using Xunit;

namespace Harness.Tests.Experiments;

/// <summary>
/// The promise of the harness: for each seed every loss starts from bit-identical weights and sees the same
/// mini-batches; only the loss differs.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class IdenticalNetworksTests
{
    static ExperimentConfig SmallGrid(params LossEntryConfig[] losses) => new()
    {
        Name = "identical",
        Dataset = new DatasetConfig { Name = "digits", TrainLimit = 300 },
        Model = new ModelConfig { Kind = "mlp", Hidden = [16], Dropout = 0.2 },
        Training = new TrainingConfig { Epochs = 3, BatchSize = 32 },
        Seeds = [3, 4],
        Losses = losses,
    };

    static GridRecorder Run(ExperimentConfig config) => GridRecorder.Record(config);

    [Fact]
    public void Every_loss_of_a_seed_starts_from_the_same_weights_and_sees_the_same_batches()
    {
        var recorder = Run(SmallGrid(
            new LossEntryConfig { Loss = "cross-entropy" },
            new LossEntryConfig { Loss = "mse", DisplayName = "mse-softmax", Activation = "softmax", TargetEncoding = "one-hot" },
            new LossEntryConfig { Loss = "multi-margin" }));

        Assert.Equal(6, recorder.Completed.Count);
        foreach (var seed in new[] { 3, 4 })
        {
            var runs = recorder.Started.Where(r => r.Seed == seed).ToList();
            Assert.Equal(3, runs.Count);
            Assert.Single(runs.Select(r => r.InitialWeightsHash).Distinct());
            // Same batch order in every epoch for every loss of the seed...
            var orders = runs.Select(r => string.Join("|", recorder.Epochs[r.Id].Select(e => e.BatchOrderHash))).ToList();
            Assert.Single(orders.Distinct());
            // ...and a different order in each epoch.
            var first = recorder.Epochs[runs[0].Id].Select(e => e.BatchOrderHash).ToList();
            Assert.Equal(first.Count, first.Distinct().Count());
            // The losses did train differently.
            Assert.Equal(3, runs.Select(r => recorder.Epochs[r.Id][^1].TrainLoss).Distinct().Count());
        }
        // Different seeds: different weights and orders.
        Assert.NotEqual(recorder.Started.First(r => r.Seed == 3).InitialWeightsHash, recorder.Started.First(r => r.Seed == 4).InitialWeightsHash);
        Assert.NotEqual(recorder.Epochs[recorder.Started.First(r => r.Seed == 3).Id][0].BatchOrderHash,
                        recorder.Epochs[recorder.Started.First(r => r.Seed == 4).Id][0].BatchOrderHash);
    }

    [Fact]
    public void Built_in_and_custom_cross_entropy_train_the_same_network_the_same_way()
    {
        var recorder = Run(SmallGrid(
            new LossEntryConfig { Loss = "cross-entropy", DisplayName = "custom" },
            new LossEntryConfig { Loss = "builtin:cross-entropy", DisplayName = "builtin" }) with
        { Seeds = [5] });
        var custom = recorder.Epochs["custom-seed5"];
        var builtIn = recorder.Epochs["builtin-seed5"];
        Assert.Equal(custom.Count, builtIn.Count);
        for (int e = 0; e < custom.Count; e++)
        {
            // Same maths, different kernels: float32 rounding may differ in the last bits, nothing more.
            Assert.Equal(custom[e].TrainLoss, builtIn[e].TrainLoss, 1e-4);
            Assert.Equal(custom[e].TestYardstick, builtIn[e].TestYardstick, 1e-4);
            Assert.Equal(custom[e].TestAccuracy!.Value, builtIn[e].TestAccuracy!.Value, 0.01);
        }
    }

    [Fact]
    public void A_single_output_binary_loss_shares_the_hidden_layers_of_its_seed()
    {
        var config = SmallGrid(
            new LossEntryConfig { Loss = "cross-entropy" },
            new LossEntryConfig { Loss = "hinge" },
            new LossEntryConfig { Loss = "bce-with-logits" }) with
        { Dataset = new DatasetConfig { Name = "breast-cancer" }, Seeds = [1], Training = new TrainingConfig { Epochs = 15, BatchSize = 32 } };
        var recorder = Run(config);
        var ce = recorder.Started.Single(r => r.LossName == "cross-entropy");
        var hinge = recorder.Started.Single(r => r.LossName == "hinge");
        var bce = recorder.Started.Single(r => r.LossName == "bce-with-logits");
        // Two heads (2 outputs vs 1): CE differs, the single-output losses share weights exactly.
        Assert.NotEqual(ce.InitialWeightsHash, hinge.InitialWeightsHash);
        Assert.Equal(hinge.InitialWeightsHash, bce.InitialWeightsHash);
        Assert.All(recorder.Completed, r => Assert.True(r.History[^1].TestAccuracy > 0.9, $"{r.Run.Id}: {r.History[^1].TestAccuracy}"));
    }
}
