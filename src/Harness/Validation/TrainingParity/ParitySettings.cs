namespace Harness.Validation.TrainingParity;

/// <summary>How a training-parity run trains: the same for candidate, reference and yardstick.</summary>
public sealed record ParitySettings
{
    /// <summary>Optimizer steps per run.</summary>
    public int Steps { get; init; } = 300;
    /// <summary>Mini-batch size.</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>Seed of the initial weights and of the batch order.</summary>
    public int Seed { get; init; }
    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Hidden layer widths of the MLP (ReLU).</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [128, 64];
    /// <summary>Data set of the classification, pair and triplet losses ("digits", or "fashion-mnist" where installed).</summary>
    public string ClassificationDataset { get; init; } = "digits";
    /// <summary>Folder of the Fashion-MNIST IDX files (Debian's dataset-fashion-mnist puts them in /usr/share/datasets/fashion-mnist).</summary>
    public string FashionMnistRoot { get; init; } = Harness.Data.IdxDatasets.FashionMnistDefaultRoot;
    /// <summary>
    /// libtorch's intra-op threads during the run (restored after). One by default: these networks are too small to gain
    /// from a second thread, and on a shared machine an OpenMP team waiting for a busy core made steps 10x slower.
    /// </summary>
    public int Threads { get; init; } = 1;
    /// <summary>Add the two controls (the twin against itself, and a planted gradient error of 1e-4).</summary>
    public bool Controls { get; init; } = true;
}
