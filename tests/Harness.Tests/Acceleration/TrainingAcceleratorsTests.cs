using Harness.Config;
using Harness.Data;
using Harness.Experiments;
using Harness.Tests.Training;
using Harness.Training;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Acceleration;

/// <summary>The runner's accelerated paths against the plain seams of the training loop.</summary>
public class TrainingAcceleratorsTests
{
    [Theory]
    [InlineData("adam")]
    [InlineData("sgd")]
    public void The_accelerated_paths_train_the_same_bits_as_the_plain_paths(string optimizer)
    {
        using var data = DatasetLoader.Load(new DatasetConfig { Name = "digits", ValidationFraction = 0.1 }, Environment.CurrentDirectory);
        var training = new TrainingConfig { Epochs = 2, BatchSize = 64, Optimizer = new OptimizerConfig { Name = optimizer, LearningRate = 1e-2 } };
        var model = new ModelConfig { Kind = "mlp", Hidden = [32] };
        Assert.Equal(GatherComparison.Train(data, training, model, PlainTrainingPaths.Instance),
            GatherComparison.Train(data, training, model, TrainingAccelerators.Instance));
    }

    [Fact]
    public void The_accelerators_pick_the_fast_paths_for_a_CPU_MLP_and_keep_the_plain_ones_where_they_do_not_apply()
    {
        using var net = Harness.Models.ModelFactory.Build(new ModelConfig { Kind = "mlp", Hidden = [8] }, [4], 3, seed: 1);
        using (var stepper = TrainingAccelerators.Instance.Stepper(net, new OptimizerConfig { Name = "adam", LearningRate = 1e-3 }))
        {
            Assert.IsNotType<OptimizerStepper>(stepper);
            Assert.Single(stepper.Parameters);   // the one flat buffer
        }
        using var empty = nn.Sequential();
        using var plain = TrainingAccelerators.Instance.Stepper(empty, new OptimizerConfig { Name = "sgd", LearningRate = 1e-3 });
        Assert.IsType<OptimizerStepper>(plain);
    }
}
