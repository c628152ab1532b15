using Harness.Config;
using Harness.Data;

/// <summary>One run of a grid: which loss entry, its learning rate, its seed (model weights, data split and order).</summary>
sealed record RunSpec(int Loss, double LearningRate, int Seed);

/// <summary>
/// A grid's shapes: dataset, MLP, batch, epochs, the losses and the tuning learning rates and seeds. Run k of the grid is
/// loss k mod L, learning rate (k / L) mod R, seed k / (L R), so the first K runs mix every loss.
/// </summary>
sealed record GridShape(string Name, DatasetConfig Dataset, ModelConfig Model, int Epochs, int BatchSize,
    LossEntryConfig[] Losses, double[] LearningRates, int[] Seeds)
{
    /// <summary>experiments/quickstart.json's tuning grid: digits 8x8, MLP [64], batch 32, 15 epochs, 4 losses x 3 rates x 2 seeds.</summary>
    public static GridShape Digits { get; } = new("digits (quickstart)", new DatasetConfig { Name = "digits" },
        new ModelConfig { Kind = "mlp", Hidden = [64] }, Epochs: 15, BatchSize: 32,
        [
            new LossEntryConfig { Loss = "cross-entropy" },
            new LossEntryConfig { Loss = "mse", Activation = "softmax", TargetEncoding = "one-hot" },
            new LossEntryConfig { Loss = "multi-margin" },
            new LossEntryConfig { Loss = "focal" },
        ],
        [1e-3, 3e-3, 1e-2], [100, 101]);

    /// <summary>experiments/binary-breast-cancer-mlp.json's losses as a tuning grid: 30 features, MLP [32], one output, 40 epochs.</summary>
    public static GridShape BreastCancer { get; } = new("breast-cancer (tabular)", new DatasetConfig { Name = "breast-cancer", TestFraction = 0.25 },
        new ModelConfig { Kind = "mlp", Hidden = [32] }, Epochs: 40, BatchSize: 32,
        [
            new LossEntryConfig { Loss = "hinge" },
            new LossEntryConfig { Loss = "squared-hinge" },
            new LossEntryConfig { Loss = "bce", Activation = "sigmoid" },
            new LossEntryConfig { Loss = "bce-with-logits" },
        ],
        [1e-3, 3e-3, 1e-2], [100, 101]);

    /// <summary>Runs in the whole grid.</summary>
    public int GridSize => Losses.Length * LearningRates.Length * Seeds.Length;

    /// <summary>Run <paramref name="k"/> of the grid.</summary>
    public RunSpec Run(int k) => new(k % Losses.Length, LearningRates[k / Losses.Length % LearningRates.Length],
        Seeds[k / (Losses.Length * LearningRates.Length)]);

    /// <summary>Training steps per epoch for <paramref name="samples"/> rows, as the harness counts them (a last batch of one is dropped).</summary>
    public int StepsPerEpoch(long samples)
    {
        int count = (int)((samples + BatchSize - 1) / BatchSize);
        return count > 1 && samples % BatchSize == 1 ? count - 1 : count;
    }
}
