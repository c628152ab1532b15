using System.Diagnostics;
using CustomLosses.MultiClass;
using Harness.Models;
using Harness.Training;
using static TorchSharp.torch;

/// <summary>
/// The reference: the loop any TorchSharp user would write (whole set in memory, index_select batches, a dispose scope
/// per step, TorchSharp's Adam over the model's parameters), with the harness's network, epoch orders and loss module,
/// and nothing else. The harness's trainer can beat it: it steps one contiguous parameter buffer (ContiguousParameters)
/// and gathers batches by a prefetching row copy from huge-page-backed features (RowCopyGather, TransparentHugePages:
/// src/Harness.Acceleration, plugged in through TrainingAccelerators as the CLI does).
/// </summary>
static class BareLoop
{
    /// <summary>Trains the configured epochs, printing a row per epoch.</summary>
    public static void Run(BenchSetup setup, int round) => Train(setup, round, setup.Training.Epochs, TimeSpan.Zero);

    /// <summary>Trains whole epochs, printing nothing, until <paramref name="atLeast"/> has passed.</summary>
    public static void WarmUp(BenchSetup setup, TimeSpan atLeast) => Train(setup, round: 0, int.MaxValue, atLeast);

    static void Train(BenchSetup setup, int round, int epochs, TimeSpan warmUp)
    {
        bool warmingUp = warmUp > TimeSpan.Zero;
        long began = Stopwatch.GetTimestamp();
        var data = setup.Data;
        int batchSize = setup.Training.BatchSize;
        var net = ModelFactory.Build(setup.Model, data.FeatureShape, data.ClassCount, seed: 0);
        using var optimizer = optim.Adam(net.parameters(), setup.Training.Optimizer.LearningRate);
        using var loss = new CrossEntropyLoss();
        using var x = data.Train.Features.to(CPU, copy: true);
        using var y = data.Train.Targets.to(CPU, copy: true);
        long n = x.shape[0];
        net.train();
        for (int epoch = 1; epoch <= epochs && !(warmingUp && Stopwatch.GetElapsedTime(began) >= warmUp); epoch++)
        {
            using var order = EpochOrder.Permutation(0, epoch, n);
            long start = Stopwatch.GetTimestamp(), computeTicks = 0, dataTicks = 0;
            for (long first = 0; first < n; first += batchSize)
            {
                using var scope = NewDisposeScope();
                // Timed like the trainer times itself (clock reads cost nanoseconds), for the overhead comparison.
                long sliceStart = Stopwatch.GetTimestamp();
                var index = order.narrow(0, first, Math.Min(batchSize, n - first));
                var batchX = x.index_select(0, index);
                var batchY = y.index_select(0, index);
                long computeStart = Stopwatch.GetTimestamp();
                optimizer.zero_grad();
                var l = loss.call(net.call(batchX), batchY);
                l.backward();
                optimizer.step();
                scope.Dispose();   // releasing the step's tensors is compute, as in the trainer
                long computeEnd = Stopwatch.GetTimestamp();
                dataTicks += computeStart - sliceStart;
                computeTicks += computeEnd - computeStart;
            }
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (warmingUp) continue;
            new BenchRow
            {
                Runner = "bare", Model = setup.Arguments.Model, Round = round, Epoch = epoch, Threads = setup.Arguments.Threads,
                Samples = n, SamplesPerSecond = n / seconds, TrainSeconds = seconds, EpochSeconds = seconds,
                ComputeSeconds = computeTicks / (double)Stopwatch.Frequency, DataSeconds = dataTicks / (double)Stopwatch.Frequency,
            }.Print();
        }
        net.Dispose();
    }
}
