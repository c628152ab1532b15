using Harness.Models;
using static TorchSharp.torch;

/// <summary>
/// K runs' MLP parameters stacked: one [K, P] buffer whose row k is run k's parameters in the order ModelFactory's MLP
/// registers them (so row k compares directly with the run trained alone), and one [K, P] gradient buffer. Each layer's
/// weight [K, out, in] and bias [K, out] is a leaf tensor whose storage is a view of those rows, so one backward
/// fills the gradient buffer and one optimizer pass over [K, P] steps every run.
/// </summary>
sealed class StackedParameters : IDisposable
{
    readonly List<Tensor> leaves = [];

    public StackedParameters(GridData grid, IReadOnlyList<RunSpec> runs)
    {
        Count = runs.Count;
        var nets = runs.Select(r => ModelFactory.Build(grid.Shape.Model, grid.Prepared[0].FeatureShape, grid.Bindings[r.Loss].Outputs, r.Seed)).ToList();
        var outputs = runs.Select(r => grid.Bindings[r.Loss].Outputs).Distinct().ToList();
        if (outputs.Count != 1) throw new InvalidOperationException("Runs of one stack need one head size.");
        var shapes = nets[0].parameters().Select(p => p.shape).ToList();
        Width = shapes.Sum(s => s.Aggregate(1L, (a, b) => a * b));
        using var noGrad = no_grad();
        Values = zeros(Count, Width).DetachFromDisposeScope();
        Gradient = zeros(Count, Width).DetachFromDisposeScope();
        for (int k = 0; k < Count; k++)
            Values[k].copy_(tensor(SequentialRun.Flatten(nets[k])));
        foreach (var n in nets) n.Dispose();
        long offset = 0;
        for (int i = 0; i < shapes.Count; i++)
        {
            // Weights [out, in] become [K, out, in], biases [out] become [K, out] (viewed as [K, 1, out] in the forward:
            // a leaf of that shape trips libtorch's gradient layout warning).
            long size = shapes[i].Aggregate(1L, (a, b) => a * b);
            long[] stacked = [Count, .. shapes[i]];
            var leaf = zeros(stacked).requires_grad_(true).DetachFromDisposeScope();
            leaf.set_(Values.narrow(1, offset, size).view(stacked));
            leaf.grad = Gradient.narrow(1, offset, size).view(stacked);
            leaves.Add(leaf);
            offset += size;
        }
    }

    /// <summary>K: the runs in the stack.</summary>
    public int Count { get; }

    /// <summary>P: parameters per run.</summary>
    public long Width { get; }

    /// <summary>[K, P]: row k is run k's parameters.</summary>
    public Tensor Values { get; }

    /// <summary>[K, P]: the gradients, laid out like <see cref="Values"/>.</summary>
    public Tensor Gradient { get; }

    /// <summary>
    /// The stacked MLP on [K, B, in]: per layer <c>baddbmm(bias, h, weight^T)</c> (nn.Linear's <c>addmm(bias, x, weight^T)</c>
    /// batched), ReLU between layers. Returns [K, B, out].
    /// </summary>
    public Tensor Forward(Tensor x)
    {
        var h = x;
        for (int i = 0; i < leaves.Count; i += 2)
        {
            // TorchSharp 0.107's Tensor.baddbmm hands its native call (this, batch1, batch2) where libtorch's wrapper
            // expects (batch1, batch2, input): written in that order, this is bias + h @ weight^T.
            h = h.baddbmm(leaves[i].transpose(1, 2), leaves[i + 1].unsqueeze(1));
            if (i + 2 < leaves.Count) h = nn.functional.relu(h);
        }
        return h;
    }

    /// <summary>Run k's parameters, in the order <see cref="SequentialRun.Flatten"/> gives a lone run's.</summary>
    public float[] Row(int k)
    {
        using var scope = NewDisposeScope();
        return Values[k].contiguous().data<float>().ToArray();
    }

    public void Dispose()
    {
        foreach (var l in leaves) l.Dispose();
        Values.Dispose();
        Gradient.Dispose();
    }
}
