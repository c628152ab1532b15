using CustomLosses.Catalog;
using Harness.Losses;
using static TorchSharp.torch;

namespace Harness.Validation.TrainingParity;

/// <summary>
/// What a loss trains on in a parity run: the data set, the network's head size, and how a batch's raw outputs and
/// targets become the loss's inputs (activation, target encoding, pairing for the pair and triplet losses).
/// </summary>
/// <param name="Dataset">Data set name (see <see cref="ParityData.Load"/>).</param>
/// <param name="Outputs">Head size.</param>
/// <param name="Description">How the inputs are made, for the report.</param>
/// <param name="Inputs">Raw model output [B, Outputs] and the batch, to the loss's inputs.</param>
internal sealed record ParityProblem(string Dataset, int Outputs, string Description, Func<Tensor, ParityBatch, Tensor[]> Inputs)
{
    /// <summary>
    /// The problem for a registered loss, following its spec (regression losses on diabetes, the others on
    /// <paramref name="classification"/>), or null with the reason when a parity run cannot use it.
    /// </summary>
    public static (ParityProblem? Problem, string? Skip) For(LossSpec spec, string classification, int classes)
    {
        if (spec.Name == "gaussian-nll")
            return (null, "its twin, TorchSharp's gaussian_nll_loss, is defective (no gradient reaches the variance; report.md lists it)");
        if (spec.Task == LossTask.Regression)
        {
            // Poisson NLL takes log-rates and non-negative counts: the standardized target shifted to be positive.
            if (spec.Name == "poisson-nll")
                return (new("diabetes", 1, "log-rate output, target max(y + 2.5, 0) of the standardized target y",
                    (raw, b) => [raw.squeeze(1), ShiftedPositive(b)]), null);
            return (new("diabetes", 1, "real output, standardized target", (raw, b) => [raw.squeeze(1), b.ValueTensor()]), null);
        }
        if (spec.InputCount == 3)
            return spec.Name switch
            {
                "margin-ranking" => (new(classification, 1, "scores of row i and row i-1 of the batch; target +1 where class i >= class i-1, else -1",
                    (raw, b) => [raw.squeeze(1), raw.squeeze(1).roll(1, 0), PairSign(b, (ci, cj) => ci >= cj)]), null),
                "cosine-embedding" => (new(classification, classes, "embeddings of row i and row i-1; target +1 for the same class, else -1",
                    (raw, b) => [raw, raw.roll(1, 0), PairSign(b, (ci, cj) => ci == cj)]), null),
                "triplet-margin" => (new(classification, classes, "anchor row i, positive the next row of its class in the batch, negative row i-1",
                    (raw, b) => [raw, raw.index_select(0, NextOfSameClass(b)), raw.roll(1, 0)]), null),
                _ => (null, "no pairing defined for this three-input loss"),
            };

        // The activation and target encoding a config entry of this loss gets by default (LossFit), made from a parity batch.
        var activation = LossFit.DefaultActivation(spec);
        (string What, Func<ParityBatch, Tensor> Make)? target = LossFit.DefaultEncoding(spec, regression: false) switch
        {
            TargetEncodingKind.Index => ("class index", b => b.ClassTensor()),
            // Smoothed one-hot, so that every term of a divergence is non-zero.
            TargetEncodingKind.OneHot => ("one-hot smoothed to 0.91 / 0.01", b => b.OneHot(0.91f, 0.01f)),
            TargetEncodingKind.ZeroOne => ("one-hot {0,1}", b => b.OneHot()),
            TargetEncodingKind.PlusMinusOne => ("one-hot as {-1,+1}", b => b.OneHot(1, -1)),
            TargetEncodingKind.IndexList => ("class index, then -1 padding", IndexList),
            _ => null,
        };
        if (target is not { } t) return (null, $"no target encoding for {spec.Target} targets");
        var output = activation == OutputActivation.None ? "raw" : activation.Name();
        return (new(classification, classes, $"{output} output, {t.What} targets", (raw, b) => [activation.Apply(raw), t.Make(b)]), null);
    }

    static Tensor ShiftedPositive(ParityBatch b)
    {
        // A fixed shift (the standardized diabetes target is above -2.2), so every batch sees the same transform.
        var v = b.Values!.Select(x => Math.Max(x + 2.5f, 0f)).ToArray();
        return tensor(v);
    }

    static Tensor PairSign(ParityBatch b, Func<long, long, bool> positive)
    {
        var c = b.Classes!;
        var s = new float[c.Length];
        for (int i = 0; i < c.Length; i++) s[i] = positive(c[i], c[(i - 1 + c.Length) % c.Length]) ? 1 : -1;
        return tensor(s);
    }

    static Tensor NextOfSameClass(ParityBatch b)
    {
        var c = b.Classes!;
        var next = new long[c.Length];
        for (int i = 0; i < c.Length; i++)
        {
            next[i] = i;
            for (int k = 1; k < c.Length; k++)
                if (c[(i + k) % c.Length] == c[i]) { next[i] = (i + k) % c.Length; break; }
        }
        return tensor(next);
    }

    static Tensor IndexList(ParityBatch b)
    {
        var list = new long[b.Size * b.ClassCount];
        Array.Fill(list, -1L);
        for (int i = 0; i < b.Size; i++) list[i * b.ClassCount] = b.Classes![i];
        return tensor(list, [b.Size, b.ClassCount]);
    }
}
