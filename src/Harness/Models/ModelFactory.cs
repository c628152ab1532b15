using Harness.Config;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Models;

/// <summary>
/// Builds the networks an experiment trains: linear (logistic regression / linear SVM), MLP and a small CNN
/// for 28x28 images. The head is always the last layer, so two builds with the same seed but different
/// head sizes share bit-identical hidden layers.
/// </summary>
public static class ModelFactory
{
    /// <summary>The model kinds: <see cref="ConfigVocabulary.ModelKinds"/>.</summary>
    public static IReadOnlyList<string> Kinds => ConfigVocabulary.ModelKinds;

    /// <summary>The hidden activations: <see cref="ConfigVocabulary.ModelActivations"/>.</summary>
    public static IReadOnlyList<string> Activations => ConfigVocabulary.ModelActivations;

    /// <summary>
    /// libtorch's process-wide generator, which layer constructors draw their initial weights from: a build seeds it and
    /// draws under this lock, so builds on several threads (runs training at once) each get their seed's weights.
    /// </summary>
    static readonly Lock GlobalGenerator = new();

    /// <summary>
    /// Builds a model for samples of <paramref name="featureShape"/> with <paramref name="outputs"/> outputs,
    /// seeding torch's generator with <paramref name="seed"/> first so that the weights depend on the seed alone.
    /// Dropout layers draw from the generator the trainer gives each run (<see cref="SeededDropout"/>).
    /// </summary>
    public static nn.Module<Tensor, Tensor> Build(ModelConfig config, long[] featureShape, int outputs, int seed)
    {
        lock (GlobalGenerator) return BuildSeeded(config, featureShape, outputs, seed);
    }

    static nn.Module<Tensor, Tensor> BuildSeeded(ModelConfig config, long[] featureShape, int outputs, int seed)
    {
        torch.manual_seed(seed);
        long inputs = featureShape.Aggregate(1L, (a, b) => a * b);
        var layers = new List<(string, nn.Module<Tensor, Tensor>)> { ("flatten", nn.Flatten()) };
        switch (config.Kind.ToLowerInvariant())
        {
            case "linear":
                layers.Add(("head", nn.Linear(inputs, outputs)));
                break;
            case "mlp":
                long width = inputs;
                for (int i = 0; i < config.Hidden.Count; i++)
                {
                    layers.Add(($"linear{i}", nn.Linear(width, config.Hidden[i])));
                    if (config.BatchNorm) layers.Add(($"norm{i}", new KeptScalarBatchNorm1d(config.Hidden[i])));
                    layers.Add(($"act{i}", Activation(config.Activation)));
                    if (config.Dropout > 0) layers.Add(($"dropout{i}", new SeededDropout(config.Dropout)));
                    width = config.Hidden[i];
                }
                layers.Add(("head", nn.Linear(width, outputs)));
                break;
            case "cnn":
                return SmallCnn(config, featureShape, outputs);
            default:
                throw new ArgumentException($"model.kind '{config.Kind}' is not valid: use {string.Join(", ", Kinds)}.");
        }
        return nn.Sequential(layers);
    }

    /// <summary>
    /// Two 3x3 convolutions (32 and 64 channels) with max-pooling, then a 128-unit dense layer: the usual small
    /// MNIST-class CNN. <c>model.hidden[0]</c>, when given, replaces the 128. Its first layer lays the batch out
    /// channels-last (<see cref="ChannelsLastLayout"/>: a training step in 0.8x the time), which adds no parameter.
    /// </summary>
    static nn.Module<Tensor, Tensor> SmallCnn(ModelConfig config, long[] shape, int outputs)
    {
        if (shape.Length != 3 || shape[1] % 4 != 0 || shape[2] % 4 != 0)
            throw new ArgumentException("model.kind 'cnn' needs image samples [channels, height, width] with sides divisible by 4; " +
                                        $"this dataset's samples are [{string.Join(",", shape)}].");
        long dense = config.Hidden.Count > 0 ? config.Hidden[0] : 128;
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("layout", new ChannelsLastLayout()),
            ("conv0", nn.Conv2d(shape[0], 32, 3, padding: 1)),
            ("act0", nn.ReLU()),
            ("pool0", nn.MaxPool2d(2)),
            ("conv1", nn.Conv2d(32, 64, 3, padding: 1)),
            ("act1", nn.ReLU()),
            ("pool1", nn.MaxPool2d(2)),
            ("flatten", nn.Flatten()),
            ("linear0", nn.Linear(64 * (shape[1] / 4) * (shape[2] / 4), dense)),
            ("act2", Activation(config.Activation)),
        };
        if (config.Dropout > 0) layers.Add(("dropout0", new SeededDropout(config.Dropout)));
        layers.Add(("head", nn.Linear(dense, outputs)));
        return nn.Sequential(layers);
    }

    static nn.Module<Tensor, Tensor> Activation(string name) => name.ToLowerInvariant() switch
    {
        "relu" => nn.ReLU(),
        "tanh" => nn.Tanh(),
        "gelu" => nn.GELU(),
        "sigmoid" => nn.Sigmoid(),
        _ => throw new ArgumentException($"model.activation '{name}' is not valid: use {string.Join(", ", Activations)}."),
    };
}
