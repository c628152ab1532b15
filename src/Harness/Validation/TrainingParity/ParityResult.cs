namespace Harness.Validation.TrainingParity;

/// <summary>The per-step record and verdict of one training-parity pair.</summary>
public sealed class ParityResult
{
    /// <summary>Row name ("cross-entropy", "cross-entropy (label_smoothing 0.1)").</summary>
    public required string Name { get; init; }
    /// <summary>What the candidate was compared with.</summary>
    public required string Reference { get; init; }
    /// <summary>Data set trained on.</summary>
    public required string Dataset { get; init; }
    /// <summary>How the loss inputs were made.</summary>
    public required string Problem { get; init; }
    /// <summary>Candidate loss value per step (before that step's update).</summary>
    public required double[] CandidateLoss { get; init; }
    /// <summary>Reference loss value per step.</summary>
    public required double[] ReferenceLoss { get; init; }
    /// <summary>Relative L2 difference of all parameter gradients, candidate vs reference, per step.</summary>
    public required double[] GradientDrift { get; init; }
    /// <summary>Relative L2 difference of all parameters after each step, candidate vs reference.</summary>
    public required double[] ParameterDrift { get; init; }
    /// <summary>The yardstick's gradient difference per step (reference vs reference started 1 ulp apart).</summary>
    public required double[] YardstickGradientDrift { get; init; }
    /// <summary>The yardstick's parameter difference after each step.</summary>
    public required double[] YardstickParameterDrift { get; init; }
    /// <summary>Every gradient and parameter bit-equal at every step.</summary>
    public required bool BitIdentical { get; init; }
    /// <summary>Steps whose two loss values differ in any bit (the forward's reduction order can differ while the gradients agree).</summary>
    public required int LossValueMismatches { get; init; }
    /// <summary>Largest relative difference of the two loss values over the steps.</summary>
    public required double WorstLossDifference { get; init; }
    /// <summary>The verdict.</summary>
    public required ParityVerdict Verdict { get; init; }
    /// <summary>First step (0-based) outside the envelope, for a divergent pair.</summary>
    public required int? FirstDivergentStep { get; init; }
    /// <summary>Wall time of the three lockstep runs.</summary>
    public required double Seconds { get; init; }

    /// <summary>Steps run.</summary>
    public int Steps => ParameterDrift.Length;
    /// <summary>The last step's parameter drift.</summary>
    public double FinalParameterDrift => ParameterDrift.Length == 0 ? 0 : ParameterDrift[^1];
    /// <summary>The last step's yardstick parameter drift.</summary>
    public double FinalYardstickDrift => YardstickParameterDrift.Length == 0 ? 0 : YardstickParameterDrift[^1];
    /// <summary>Largest ratio of the parameter drift to the envelope over the steps (above 1: divergent).</summary>
    public double WorstEnvelopeRatio
    {
        get
        {
            var envelope = ParityEnvelope.Of(YardstickParameterDrift);
            double worst = 0;
            for (int k = 0; k < ParameterDrift.Length; k++)
                if (ParameterDrift[k] > 0) worst = Math.Max(worst, envelope[k] > 0 ? ParameterDrift[k] / envelope[k] : double.PositiveInfinity);
            return worst;
        }
    }
}
