namespace Harness.Validation.TrainingParity;

/// <summary>
/// The rule that turns drift curves into a verdict. The yardstick is the twin trained against itself from initial
/// weights one unit in the last place apart, with the gradient at the model output moved one unit in the last place at
/// every step: its relative parameter difference is how far pure rounding noise has grown by each step in this network.
/// The envelope at step k is <see cref="Factor"/> times the largest yardstick
/// difference up to step k (a running maximum, so that a chance dip of the yardstick is no verdict); a candidate
/// whose parameter difference exceeds it at any step is divergent from that step on.
/// </summary>
public static class ParityEnvelope
{
    /// <summary>
    /// How far above the yardstick a drift may go and still count as rounding: an order of magnitude, for a loss whose
    /// rounding differs from the twin's in more or larger places than one ulp; a systematic error of 1e-4 relative in
    /// the gradient leaves the envelope at once
    /// (tests/Harness.Tests/Validation/TrainingParityTests.cs).
    /// </summary>
    public const double Factor = 10;

    /// <summary>The envelope per step: <see cref="Factor"/> times the running maximum of the yardstick's parameter difference.</summary>
    public static double[] Of(IReadOnlyList<double> yardstick)
    {
        var envelope = new double[yardstick.Count];
        double max = 0;
        for (int k = 0; k < yardstick.Count; k++)
        {
            if (double.IsFinite(yardstick[k])) max = Math.Max(max, yardstick[k]);
            envelope[k] = Factor * max;
        }
        return envelope;
    }

    /// <summary>The verdict, and the first step (0-based) where the drift left the envelope (null unless divergent).</summary>
    public static (ParityVerdict Verdict, int? FirstStep) Classify(bool bitIdentical, IReadOnlyList<double> parameterDrift, IReadOnlyList<double> yardstick)
    {
        if (bitIdentical) return (ParityVerdict.BitIdentical, null);
        var envelope = Of(yardstick);
        for (int k = 0; k < parameterDrift.Count; k++)
            if (!(parameterDrift[k] <= envelope[k])) return (ParityVerdict.Divergent, k);   // NaN drift is divergent too
        return (ParityVerdict.RoundingLevel, null);
    }

    /// <summary>The report's spelling: "bit-identical", "rounding-level", "divergent".</summary>
    public static string Name(this ParityVerdict v) => v switch
    {
        ParityVerdict.BitIdentical => "bit-identical",
        ParityVerdict.RoundingLevel => "rounding-level",
        _ => "divergent",
    };
}
