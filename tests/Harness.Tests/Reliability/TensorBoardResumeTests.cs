using System.Text;
using Harness.Config;
using Harness.Data;
using Harness.Experiments;
using Harness.Sinks;
using Harness.Tests.Experiments;
using Harness.Training;
using Xunit;
using static TorchSharp.torch;

namespace Harness.Tests.Reliability;

/// <summary>
/// A resumed run shows each epoch once in TensorBoard (issue 17, item 13: each resume added a second event file and the
/// epochs trained again appeared twice): one event file per run, one loss/train point per epoch.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class TensorBoardResumeTests
{
    sealed class Stop : Exception;

    /// <summary>Stops the process (as a kill would) at the first batch of epoch 3 of one run: epoch 2's checkpoint is written.</summary>
    sealed class KillAt(string runId) : ITrainingObserver
    {
        public void BatchCompleted(RunInfo run, int epoch, int batch, int batches)
        {
            if (run.Id == runId && epoch == 3 && batch == 1) throw new Stop();
        }
    }

    static readonly ExperimentConfig Grid = new()
    {
        Name = "tb",
        Dataset = new DatasetConfig { Name = "digits", TrainLimit = 200 },
        Model = new ModelConfig { Kind = "mlp", Hidden = [8] },
        Training = new TrainingConfig { Epochs = 4, BatchSize = 32, CheckpointEvery = 1 },
        Seeds = [0],
        Losses = [new LossEntryConfig { Loss = "cross-entropy", DisplayName = "CE" }],
    };

    static int Count(byte[] haystack, byte[] needle)
    {
        int n = 0;
        for (int i = haystack.AsSpan().IndexOf(needle); i >= 0; i = haystack.AsSpan(i + 1).IndexOf(needle) is var j && j >= 0 ? i + 1 + j : -1) n++;
        return n;
    }

    [Fact]
    public void A_resumed_run_has_one_event_file_with_each_epoch_once()
    {
        var folder = Path.Combine(Path.GetTempPath(), "tb-resume-" + Guid.NewGuid().ToString("N"));
        try
        {
            var config = ConfigValidator.Validate(Grid);
            using var data = DatasetLoader.Load(config.Dataset, RepositoryPaths.Root);
            var plan = ExperimentPlan.Create(config, data);
            void RunGrid(bool resume, params ITrainingObserver[] extra)
            {
                var settings = new RunSettings(folder, CPU, false, "test", Resume: resume);
                ExperimentRunner.PrepareFolder(settings, config, plan);
                ExperimentRunner.Run(config, data, plan, settings,
                    [
                        .. extra, new MetricsCsvSink(new Harness.Results.ResultsLayout(folder)), new RunSummaryWriter(folder, true),
                        new TensorBoardSink(Path.Combine(folder, "tensorboard"), true),
                    ]);
            }
            Assert.Throws<Stop>(() => RunGrid(false, new KillAt("ce-seed0")));
            // SummaryWriter names files by the second: the resumed run's file must not share the first one's name.
            Thread.Sleep(1100);
            RunGrid(true);
            var events = Directory.GetFiles(Path.Combine(folder, "tensorboard", "ce-seed0"), "events.out.tfevents.*");
            var file = Assert.Single(events);
            Assert.Equal(4, Count(File.ReadAllBytes(file), Encoding.UTF8.GetBytes("loss/train")));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, true);
        }
    }
}
