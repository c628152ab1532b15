using Harness.Reporting;
using Harness.Validation;
using Harness.Validation.TrainingParity;
using Xunit;

namespace Harness.Tests.Validation;

/// <summary>
/// <c>harness validate --train</c>: the controls come out as they must (libtorch's cross-entropy against itself
/// bit-identical, a planted gradient error of 1e-4 divergent within a few steps), the envelope rule, and the fast
/// kernels' verdicts that the README and results/validation/training-parity.md state.
/// </summary>
public class TrainingParityTests
{
    /// <summary>Short runs: the verdicts below show by then (the committed report runs 300 steps).</summary>
    static readonly ParitySettings Short = new() { Steps = 40 };

    [Fact]
    public void Controls_are_bit_identical_and_divergent_and_the_report_is_written()
    {
        var run = TrainingParityValidator.Run([], Short);
        var self = run.Results.Single(r => r.Name == ParityTargets.SelfControl);
        var planted = run.Results.Single(r => r.Name == ParityTargets.PlantedControl);

        Assert.Equal(ParityVerdict.BitIdentical, self.Verdict);
        Assert.All(self.ParameterDrift, d => Assert.Equal(0.0, d));
        Assert.Equal(0, self.LossValueMismatches);
        Assert.All(self.YardstickParameterDrift, d => Assert.True(d > 0, "the yardstick starts one ulp apart"));

        Assert.Equal(ParityVerdict.Divergent, planted.Verdict);
        Assert.True(planted.FirstDivergentStep <= 5, $"the planted 1e-4 gradient error left the envelope only at step {planted.FirstDivergentStep}");
        Assert.True(TrainingParityValidator.ControlsHold(run));

        var folder = Directory.CreateTempSubdirectory("parity-report").FullName;
        try
        {
            var (md, json) = TrainingParityReportWriter.Write(run, folder, "harness validate --train");
            var text = File.ReadAllText(md);
            Assert.Contains("| control: cross_entropy vs itself |", text);
            Assert.Contains("**divergent**", text);
            Assert.Contains("\"verdict\":\"bit-identical\"", File.ReadAllText(json));
            foreach (var plot in new[] { "training-parity-drift", "training-parity-envelope-ratio" })
            {
                Assert.True(new FileInfo(Path.Combine(folder, "plots", plot + ".png")).Length > 10_000, plot);
                Assert.True(File.Exists(Path.Combine(folder, "plots", plot + ".svg")), plot);
            }
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    /// <summary>
    /// The fast kernels train exactly like their twins. Cross-entropy is the one that did not: its fused backward took exp
    /// from libtorch's element-wise kernel, not from the log-softmax backward's (see CrossEntropyLoss's fast path).
    /// </summary>
    [Theory]
    [InlineData("cross-entropy")]
    [InlineData("nll")]
    [InlineData("mse")]
    [InlineData("l1")]
    [InlineData("huber")]
    [InlineData("smooth-l1")]
    [InlineData("multi-margin")]
    [InlineData("bce-with-logits")]
    public void Fast_kernel_trains_bit_identically_to_its_twin(string loss)
    {
        var run = TrainingParityValidator.Run([LossCheckCatalog.Find(loss)!], Short with { Controls = false });
        var result = run.Results.Single(r => r.Name == loss);
        Assert.True(result.Verdict == ParityVerdict.BitIdentical,
            $"{loss}: {result.Verdict.Name()}, parameter drift {result.FinalParameterDrift:E2} (yardstick {result.FinalYardstickDrift:E2})");
    }

    /// <summary>A loss without a twin trains against its composed formula in float64, with a float64 yardstick.</summary>
    [Theory]
    [InlineData("focal")]
    [InlineData("hinge")]
    [InlineData("log-cosh")]
    public void Loss_without_a_twin_trains_like_its_composed_formula_in_float64(string loss)
    {
        var run = TrainingParityValidator.Run([LossCheckCatalog.Find(loss)!], Short with { Controls = false });
        var result = run.Results.Single();
        Assert.Equal($"{loss} (float64)", result.Name);
        Assert.NotEqual(ParityVerdict.Divergent, result.Verdict);
        Assert.True(result.YardstickParameterDrift[0] < 1e-15, $"a float64 yardstick starts near 1e-16, not {result.YardstickParameterDrift[0]:E1}");
    }

    [Fact]
    public void Envelope_rule_classifies_drift_curves()
    {
        double[] yardstick = [1e-7, 2e-7, 1e-7, 4e-7];   // the envelope is 10x the running maximum: 1e-6, 2e-6, 2e-6, 4e-6
        Assert.Equal((ParityVerdict.BitIdentical, (int?)null), ParityEnvelope.Classify(true, [0, 0, 0, 0], yardstick));
        Assert.Equal((ParityVerdict.RoundingLevel, (int?)null), ParityEnvelope.Classify(false, [0, 1e-6, 1.9e-6, 3e-6], yardstick));
        Assert.Equal((ParityVerdict.Divergent, (int?)2), ParityEnvelope.Classify(false, [0, 1e-6, 2.1e-6, 3e-6], yardstick));
        Assert.Equal((ParityVerdict.Divergent, (int?)1), ParityEnvelope.Classify(false, [0, double.NaN, 0, 0], yardstick));
        Assert.Equal((ParityVerdict.Divergent, (int?)0), ParityEnvelope.Classify(false, [1e-9, 0, 0, 0], [0, 1e-7, 1e-7, 1e-7]));
    }
}
