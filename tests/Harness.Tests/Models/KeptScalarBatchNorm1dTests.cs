using CustomLosses.Tests.ScalarTemporaries;
using Harness.Models;
using Harness.Tests.Experiments;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Models;

/// <summary>
/// The harness's batch normalization is TorchSharp's <c>nn.BatchNorm1d</c> bit for bit (outputs, gradients, running
/// statistics, state-dict keys), without the temporary scalar TorchSharp's training forward leaves on every step.
/// Runs alone (the collection disables parallel tests): the finalizable-object counts would include other tests' garbage.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class KeptScalarBatchNorm1dTests
{
    const int Features = 6;

    [Theory]
    [InlineData(0.1)]
    [InlineData(null)]
    public void Trains_and_evaluates_as_nn_BatchNorm1d(double? momentum)
    {
        using var scope = NewDisposeScope();
        var theirs = nn.BatchNorm1d(Features);
        var ours = new KeptScalarBatchNorm1d(Features);
        // A null momentum is a cumulative average over the batches seen so far, which reads the batch count.
        theirs.momentum = momentum;
        ours.momentum = momentum;
        Assert.Equal(theirs.state_dict().Keys, ours.state_dict().Keys);
        var generator = new Generator(5);
        for (int step = 0; step < 4; step++)
        {
            var x = randn([16, Features], generator: generator).mul_(3.0.ToScalar()).requires_grad_();
            var (expected, expectedGradient) = Forward(theirs, x);
            var (actual, actualGradient) = Forward(ours, x);
            Assert.True(Identical(expected, actual), $"outputs differ at step {step + 1}");
            Assert.True(Identical(expectedGradient, actualGradient), $"input gradients differ at step {step + 1}");
            Assert.True(Identical(theirs.weight!.grad!, ours.weight!.grad!) && Identical(theirs.bias!.grad!, ours.bias!.grad!));
        }
        foreach (var (name, tensor) in theirs.state_dict())
            Assert.True(Identical(tensor, ours.state_dict()[name]), $"{name} differs after training");
        theirs.eval();
        ours.eval();
        using var test = randn([8, Features], generator: generator);
        Assert.True(Identical(theirs.call(test), ours.call(test)), "evaluation outputs differ");
    }

    [Fact]
    public void A_training_forward_leaves_no_scalar_for_the_garbage_collector()
    {
        using var x = randn([16, Features]);
        using var theirs = nn.BatchNorm1d(Features);
        using var ours = new KeptScalarBatchNorm1d(Features);
        double own = FinalizableObjects.PerCall(() => ours.call(x)), torchSharp = FinalizableObjects.PerCall(() => theirs.call(x));
        Assert.True(own < 0.5, $"{own} finalizable objects per forward (nn.BatchNorm1d: {torchSharp})");
        Assert.True(torchSharp >= 1, $"nn.BatchNorm1d left {torchSharp} per forward; the measurement may have stopped working");
    }

    [Fact]
    public void Rejects_what_nn_BatchNorm1d_rejects()
    {
        using var ours = new KeptScalarBatchNorm1d(Features);
        using var image = zeros(2, Features, 3, 3);
        Assert.Throws<ArgumentException>(() => ours.call(image));
    }

    static (Tensor Output, Tensor Gradient) Forward(nn.Module<Tensor, Tensor> norm, Tensor x)
    {
        norm.zero_grad();
        var output = norm.call(x);
        output.mul(output).sum().backward();
        return (output.detach(), x.grad!);
    }

    static bool Identical(Tensor a, Tensor b) => a.bytes.SequenceEqual(b.bytes);
}
