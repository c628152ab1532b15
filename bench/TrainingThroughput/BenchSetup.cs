using Harness.Config;
using Harness.Data;

/// <summary>What every runner of one benchmark process shares: the data, the network, the training settings and the loss.</summary>
sealed record BenchSetup(
    BenchArguments Arguments, DatasetConfig DatasetConfig, PreparedData Data, ModelConfig Model, TrainingConfig Training, LossEntryConfig Loss);
