using Harness.Config;
using Harness.Data;
using Harness.Models;
using Harness.Training;

namespace Harness.Experiments;

/// <summary>
/// Builds the experiment's network once per head size before anything is written, so that a model the data cannot
/// feed (a CNN on images whose sides are not divisible by 4, an MLP on images) is a setup error (exit 2) found before
/// the results folder is touched, rather than an exception in the first run.
/// </summary>
public static class ModelCheck
{
    /// <summary>Throws <see cref="ExperimentSetupException"/> when the model cannot be built for <paramref name="data"/>.</summary>
    public static void Preflight(ExperimentConfig config, ExperimentPlan plan, PreparedData data)
    {
        foreach (var outputs in plan.Grid.Select(r => r.Binding.Outputs).Distinct())
        {
            try
            {
                using var model = ModelFactory.Build(config.Model, data.FeatureShape, outputs, seed: 0);
            }
            catch (ArgumentException e)
            {
                throw new ExperimentSetupException($"model: {e.Message}");
            }
        }
    }
}
