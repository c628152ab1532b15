using CustomLosses.Analyzers;
using CustomLosses.Tests.Kernels;
using Xunit;
using static TorchSharp.torch;

namespace CustomLosses.Tests.ScalarTemporaries;

/// <summary>
/// The reads rule CL0004 names (<see cref="FinalizerPressureReads"/>) do leave a finalizable object per call in the
/// TorchSharp these tests run with, and the spellings its message suggests leave none: the hand-written list fails
/// here when a TorchSharp upgrade fixes a read (or breaks an alternative). Runs alone: other tests' garbage would count.
/// </summary>
[Collection(GarbageCollectionStressCollection.Name)]
public class FinalizerPressureReadTests
{
    const int Calls = 200;

    /// <summary>Each read of the rule, by its <see cref="FinalizerPressureReads.Read.Name"/>, as a call.</summary>
    static readonly Dictionary<string, Action<Tensor>> Reads = new(StringComparer.Ordinal)
    {
        ["Tensor.shape"] = t => _ = t.shape,
        ["Tensor.size()"] = t => _ = t.size(),
        ["Tensor.item<T>()"] = t => _ = t.item<float>(),
        ["Tensor.dot(Tensor)"] = t => t.dot(t).Dispose(),
    };

    /// <summary>The spellings the messages suggest instead.</summary>
    static readonly Dictionary<string, Action<Tensor>> Alternatives = new(StringComparer.Ordinal)
    {
        ["dim() and size(d)"] = t => _ = t.dim() + t.size(0),
        ["TensorShape.Same"] = t => _ = TensorShape.Same(t, t),
        ["HostValue.Read"] = t => _ = HostValue.Read<float>(t),
        ["matmul"] = t => t.matmul(t).Dispose(),
    };

    public static TheoryData<string> ReadNames => [.. FinalizerPressureReads.All.Keys.Order(StringComparer.Ordinal)];

    public static TheoryData<string> AlternativeNames => [.. Alternatives.Keys];

    [Fact]
    public void Every_read_of_the_rule_is_measured_here() =>
        Assert.Equal(FinalizerPressureReads.All.Keys.Order(StringComparer.Ordinal), Reads.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(ReadNames))]
    public void A_read_of_the_rule_leaves_a_finalizable_object(string name)
    {
        double perCall = FinalizablePerCall(Reads[name]);
        Assert.True(perCall >= 0.9, $"{name} leaves {perCall:F2} finalizable objects per call: no longer one of CL0004's reads (FinalizerPressureReads.cs)");
    }

    [Theory]
    [MemberData(nameof(AlternativeNames))]
    public void The_suggested_spelling_leaves_none(string name)
    {
        double perCall = FinalizablePerCall(Alternatives[name]);
        // The 0.1 absorbs a stray object from the runtime itself over 200 calls; one per call is 1.0.
        Assert.True(perCall < 0.1, $"{name} leaves {perCall:F2} finalizable objects per call");
    }

    /// <summary>Finalizable objects left per call (objects that a collection found dead and queued for their finalizers).</summary>
    static double FinalizablePerCall(Action<Tensor> read)
    {
        using var scope = NewDisposeScope();
        var t = tensor(new[] { 2f });   // one element, so that item and HostValue.Read apply; a vector, for dot and matmul
        return FinalizableObjects.PerCall(() => read(t), Calls);
    }
}
