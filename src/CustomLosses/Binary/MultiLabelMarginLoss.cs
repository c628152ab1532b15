using CustomLosses.Catalog;
using static CustomLosses.KeptMath;
using static TorchSharp.torch;

namespace CustomLosses.Binary;

/// <summary>
/// Multi-label margin (multi-label hinge) loss:
/// <c>l_i = Σ_{j ∈ T_i} Σ_{k ∉ T_i} max(0, 1 - (x_ij - x_ik)) / C</c>, then mean (default), sum or none over samples.
/// </summary>
/// <remarks>
/// <para>Input: scores (logits) [N, C], or [C] for one sample. Target: int64, same shape, holding the sample's
/// class indices followed by -1 padding; only the indices before the first negative entry count (T_i), later
/// entries are ignored. A listed index is counted once per listing (as PyTorch does); the "not a target" set
/// is the set of listed classes. Indices must lie in [0, C). Output: scalar; for reduction none one value per
/// sample, shape [N] (a scalar for [C] input).</para>
/// <para>As in PyTorch, a term contributes (and has gradient) only where 1 - (x_ij - x_ik) &gt; 0 strictly.</para>
/// <para>Mirrors <c>torch.nn.functional.multilabel_margin_loss</c> (TorchSharp: <c>multi_label_margin_loss</c>).</para>
/// </remarks>
public sealed class MultiLabelMarginLoss : CustomLoss
{
    const string Name = "Multi-label margin";

    /// <summary>Creates the loss.</summary>
    public MultiLabelMarginLoss(nn.Reduction reduction = nn.Reduction.Mean) : base(nameof(MultiLabelMarginLoss), reduction) { }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        BinaryInputs.Floating(Name, "input", input);
        if (input.dim() != 1 && input.dim() != 2)
            throw new ArgumentException($"{Name}: input must be [N, C] or [C], got shape {BinaryInputs.Shape(input)}.");
        if (input.size(-1) == 0)
            throw new ArgumentException($"{Name}: input has no classes (shape {BinaryInputs.Shape(input)}).");
        if (target.dtype != ScalarType.Int64)
            throw new ArgumentException($"{Name}: target must hold int64 class indices padded with -1, got {target.dtype}.");
        BinaryInputs.SameShape(Name, input, target);

        bool single = input.dim() == 1;
        var x = single ? input.unsqueeze(0) : input;            // [N, C]
        var t = single ? target.unsqueeze(0) : target;          // [N, C]
        long c = x.size(1);

        // valid[n, j]: entry j comes before the first negative entry of row n.
        var valid = t.lt(S(0L)).to(ScalarType.Int64).cumsum(1).eq(S(0L));
        using (no_grad())
        {
            var outOfRange = valid.logical_and(t.ge(S(c)));
            if (HostValue.Read<bool>(outOfRange.any()))
            {
                var bad = t.masked_select(outOfRange)[0].item<long>();
                throw new ArgumentException($"{Name}: target index {bad} is out of range; valid: 0 to {c - 1}, then -1 padding.");
            }
        }
        // Only the first J slots can hold targets, J = the longest target list: the [N, J, K] terms below are
        // then N x J x C instead of N x C x C (16 GB at 4096 x 1000 with 3 targets per row; now 50 MB).
        long j = t.numel() == 0 ? 0 : HostValue.Read<long>(valid.sum(1).max());
        valid = valid.narrow(1, 0, j);
        t = t.narrow(1, 0, j);
        var index = t.where(valid, zeros_like(t));                                           // [N, J]
        var classes = Arange(c, ScalarType.Int64, x.device).view(1, 1, c);
        var listed = index.unsqueeze(2).eq(classes).logical_and(valid.unsqueeze(2));           // [N, J, K]
        var isTarget = listed.any(1);                                                          // [N, K]
        var targetScore = x.gather(1, index);                                                  // [N, J]
        var z = 1 - T(targetScore.unsqueeze(2)) + x.unsqueeze(1);                            // [N, J, K]
        var counts = valid.unsqueeze(2).logical_and(isTarget.logical_not().unsqueeze(1));      // [N, J, K]
        var perSample = nn.functional.relu(z).where(counts, zeros_like(z)).sum([1, 2]) / S(c);   // [N]
        if (single) perSample = perSample.squeeze(0);
        return Reduce(perSample).MoveToOuterDisposeScope();
    }

    /// <summary>Registry entry.</summary>
    public static LossSpec Spec { get; } = new(
        Name: "multilabel-margin",
        Title: "Multi-label margin",
        Summary: "sum over target j, non-target k of max(0, 1 - (x_j - x_k)) / C per sample",
        Task: LossTask.BinaryOrMultiLabel,
        ExpectedOutput: ModelOutput.Logits,
        Target: TargetEncoding.ClassIndexList,
        Options: [],
        Reference: "torch.nn.functional.multilabel_margin_loss",
        InputCount: 2,
        Factory: o => new MultiLabelMarginLoss(o.Reduction));
}
