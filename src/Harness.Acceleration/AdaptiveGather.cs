using System.Diagnostics;
using static TorchSharp.torch;

namespace Harness.Acceleration;

/// <summary>
/// Gathers CPU batches with whichever of <see cref="RowCopyGather"/> and <see cref="IndexSelectGather"/> is faster on
/// this machine right now, measured while training: the two alternate over a short probe, the faster one (median time
/// per row) gathers the following batches, and the probe repeats every few hundred batches. Both give the same bytes, so
/// the choice never changes what is trained.
/// </summary>
/// <remarks>
/// Why: which one wins depends on the machine and on its load, and the difference is large. On an AMD EPYC (Zen 4)
/// with one epoch's gathers timed alone, the single-threaded row copy with L2 prefetch took 9.5 ms and index_select 14-19
/// ms; inside training on the same machine, busy with other tenants, the row copy took 91 ms (median) and index_select,
/// which splits the rows over both cores and so keeps twice as many memory reads in flight, 59 ms; on an earlier
/// session's EPYC the row copy was the faster in training (16 against 19 ms). A probe costs a few batches gathered the
/// slower way (two clock reads per batch besides).
/// </remarks>
public sealed class AdaptiveGather : BatchGather
{
    /// <summary>Batches each gather takes, alternating, in a probe.</summary>
    public const int ProbeBatchesEach = 8;

    /// <summary>Batches gathered by the faster one between probes.</summary>
    public const int BatchesBetweenProbes = 400;

    readonly BatchGather[] gathers;
    readonly double[][] probeTicksPerRow = [new double[ProbeBatchesEach], new double[ProbeBatchesEach]];
    readonly long[] batchesTaken = new long[2];
    int position;   // in the cycle: [0, 2 * ProbeBatchesEach) probing, then exploiting
    int chosen;

    /// <summary>Alternates between the two gathers (which it disposes).</summary>
    public AdaptiveGather(RowCopyGather rowCopy, IndexSelectGather indexSelect) => gathers = [rowCopy, indexSelect];

    /// <summary>The row copy it alternates with index_select.</summary>
    public RowCopyGather RowCopy => (RowCopyGather)gathers[0];

    /// <summary>Batches the row copy has gathered so far.</summary>
    public long RowCopyBatches => batchesTaken[0];

    /// <summary>Batches index_select has gathered so far.</summary>
    public long IndexSelectBatches => batchesTaken[1];

    /// <inheritdoc />
    public override void BeginEpoch(Tensor order)
    {
        foreach (var g in gathers) g.BeginEpoch(order);
    }

    /// <inheritdoc />
    public override (Tensor Features, Tensor Targets) Take(long start, long count)
    {
        const int probe = 2 * ProbeBatchesEach;
        bool probing = position < probe;
        int which = probing ? position % 2 : chosen;
        long began = Stopwatch.GetTimestamp();
        var batch = gathers[which].Take(start, count);
        if (probing) probeTicksPerRow[which][position / 2] = (Stopwatch.GetTimestamp() - began) / (double)count;
        batchesTaken[which]++;
        if (++position == probe) Choose();
        else if (position == probe + BatchesBetweenProbes) position = 0;
        return batch;
    }

    /// <summary>The faster by median time per row: a batch the OS preempted counts as one slow sample, not as a slow gather.</summary>
    void Choose() => chosen = Median(probeTicksPerRow[0]) <= Median(probeTicksPerRow[1]) ? 0 : 1;

    static double Median(double[] values)
    {
        Array.Sort(values);
        return (values[(values.Length - 1) / 2] + values[values.Length / 2]) / 2;
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        foreach (var g in gathers) g.Dispose();
    }
}
