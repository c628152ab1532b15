using System.Diagnostics;
using TorchSharp;

namespace Harness.Validation.TrainingParity;

/// <summary>
/// <c>harness validate --train</c>: trains every selected loss that has a libtorch twin side by side with the twin
/// (see <see cref="TrainingParityRunner"/>), after the two controls, and collects the verdicts.
/// </summary>
public static class TrainingParityValidator
{
    /// <summary>Runs the pairs for <paramref name="checks"/>; <paramref name="progress"/> hears each pair's name before it runs.</summary>
    public static ParityRun Run(IEnumerable<LossCheck> checks, ParitySettings settings, Action<string>? progress = null)
    {
        if (!ParityData.Available(settings.ClassificationDataset, settings.FashionMnistRoot))
            throw new ArgumentException($"data set '{settings.ClassificationDataset}' is not in {settings.FashionMnistRoot} " +
                "(apt-get install dataset-fashion-mnist, or give the folder of its IDX files).");
        var watch = Stopwatch.StartNew();
        int threads = torch.get_num_threads();
        torch.set_num_threads(settings.Threads);
        var runner = new TrainingParityRunner(settings);
        var data = new Dictionary<string, ParityData>();
        ParityData Data(string name)
        {
            if (!data.TryGetValue(name, out var d)) data[name] = d = ParityData.Load(name, settings.FashionMnistRoot);
            return d;
        }
        try
        {
            int classes = Data(settings.ClassificationDataset).ClassCount;
            var (targets, skipped) = ParityTargets.For(checks, settings.ClassificationDataset, classes);
            if (settings.Controls) targets.InsertRange(0, ParityTargets.Controls(settings.ClassificationDataset, classes));
            var results = new List<ParityResult>();
            foreach (var target in targets)
            {
                progress?.Invoke(target.Name);
                results.Add(runner.Run(target, Data(target.Problem.Dataset)));
            }
            return new ParityRun { Settings = settings, Results = results, Skipped = skipped, Elapsed = watch.Elapsed };
        }
        finally
        {
            foreach (var d in data.Values) d.Dispose();
            torch.set_num_threads(threads);
        }
    }

    /// <summary>
    /// True when the run's controls came out as they must (the twin against itself bit-identical, the planted error
    /// divergent); a run without controls passes this check.
    /// </summary>
    public static bool ControlsHold(ParityRun run) =>
        run.Results.Where(r => r.Name == ParityTargets.SelfControl).All(r => r.Verdict == ParityVerdict.BitIdentical)
        && run.Results.Where(r => r.Name == ParityTargets.PlantedControl).All(r => r.Verdict == ParityVerdict.Divergent);
}
