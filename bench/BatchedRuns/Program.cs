// Several runs in one model (issue 19, item 4): K runs of a grid trained one after another the way the harness steps a run
// today, against the same K runs stacked into one batched model (bmm over [K, in, out] parameters, each run's own batch,
// loss, learning rate and Adam state). Measures wall time per grid and per step (1 thread, interleaved, ratios within a
// repeat) and checks whether each stacked run's weights equal the run trained alone. Writes
// the tables of results/benchmarks/batched-runs.md to batched-runs-tables.md. Never run by the test suite.
// Usage: dotnet run -c Release --project bench/BatchedRuns -- [repeats=3] [output=results/benchmarks/batched-runs-tables.md]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using static TorchSharp.torch;

var inv = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.DefaultThreadCurrentCulture = inv;
int repeats = args.Length > 0 ? int.Parse(args[0], inv) : 3;
var output = args.Length > 1 ? args[1] : Path.Combine("results", "benchmarks", "batched-runs-tables.md");
set_num_threads(1);
int[] stackSizes = [2, 6, 12, 24];
GridShape[] shapes = [GridShape.Digits, GridShape.BreastCancer];
var grids = shapes.Select(s => new GridData(s)).ToArray();
var md = new StringBuilder();

// Warm-up: JIT and libtorch's first-call costs, for both paths.
foreach (var g in grids)
{
    SequentialRun.Train(g, g.Shape.Run(0), steps: 2 * g.StepsPerEpoch);
    StackedRuns.Train(g, [g.Shape.Run(0), g.Shape.Run(1)], steps: 2 * g.StepsPerEpoch);
}

var timings = new List<(string Shape, int Repeat, int K, double Alone, double Stacked, double OneLoss, int Steps)>();
for (int r = 0; r < repeats; r++)
    foreach (var g in grids)
    {
        var runs = Enumerable.Range(0, g.Shape.GridSize).Select(g.Shape.Run).ToList();
        var alone = new double[runs.Count];
        var stacked = new Dictionary<int, double>();
        var oneLoss = new Dictionary<int, double>();
        void Alone()
        {
            for (int k = 0; k < runs.Count; k++)
            {
                long t = Stopwatch.GetTimestamp();
                SequentialRun.Train(g, runs[k]);
                alone[k] = Stopwatch.GetElapsedTime(t).TotalSeconds;
            }
        }
        void Stacked()
        {
            foreach (var k in stackSizes)
            {
                long t = Stopwatch.GetTimestamp();
                StackedRuns.Train(g, runs.Take(k).ToList());
                stacked[k] = Stopwatch.GetElapsedTime(t).TotalSeconds;
                t = Stopwatch.GetTimestamp();
                StackedRuns.Train(g, runs.Take(k).ToList(), oneLossCall: true);
                oneLoss[k] = Stopwatch.GetElapsedTime(t).TotalSeconds;
            }
        }
        // Alternate which goes first, so drift in the machine's load does not favour one side.
        if (r % 2 == 0) { Alone(); Stacked(); } else { Stacked(); Alone(); }
        int steps = g.StepsPerEpoch * g.Shape.Epochs;
        foreach (var k in stackSizes)
        {
            var row = (g.Shape.Name, r, k, alone.Take(k).Sum(), stacked[k], oneLoss[k], steps);
            timings.Add(row);
            Console.WriteLine($"{row.Name,-24} repeat {r} K {k,2}: alone {row.Item4,7:0.000} s  stacked {row.Item5,7:0.000} s  " +
                              $"speed-up {row.Item4 / row.Item5,5:0.00}x  (one loss call: {row.Item4 / row.Item6,5:0.00}x)");
        }
    }

md.AppendLine("## Wall time (1 thread)").AppendLine();
md.AppendLine("| grid | K | steps per run | alone: grid s (median) | stacked: grid s (median) | alone: us per run-step | " +
              "stacked: us per stacked step | speed-up per repeat | median | one loss call: speed-up per repeat | median |");
md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|---:|---|---:|");
foreach (var group in timings.GroupBy(t => (t.Shape, t.K)))
{
    var rows = group.ToList();
    double Median(IEnumerable<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
    var ratios = rows.Select(x => x.Alone / x.Stacked).ToList();
    var bound = rows.Select(x => x.Alone / x.OneLoss).ToList();
    double alone = Median(rows.Select(x => x.Alone)), stacked = Median(rows.Select(x => x.Stacked));
    int steps = rows[0].Steps;
    md.AppendLine($"| {group.Key.Shape} | {group.Key.K} | {steps} | {alone:0.000} | {stacked:0.000} | {alone / (group.Key.K * steps) * 1e6:0} | " +
                  $"{stacked / steps * 1e6:0} | {string.Join(", ", ratios.Select(x => x.ToString("0.00", inv)))} | {Median(ratios):0.00}x | " +
                  $"{string.Join(", ", bound.Select(x => x.ToString("0.00", inv)))} | {Median(bound):0.00}x |");
}

md.AppendLine().AppendLine("## Identical results per run (K = 24, every run of the grid)").AppendLine();
md.AppendLine("| grid | after step | runs bit-identical | max abs difference | max relative difference (max abs / max abs weight) |");
md.AppendLine("|---|---:|---:|---:|---:|");
foreach (var g in grids)
{
    var runs = Enumerable.Range(0, g.Shape.GridSize).Select(g.Shape.Run).ToList();
    int total = g.StepsPerEpoch * g.Shape.Epochs;
    int[] at = [1, 2, 10, 100, total];
    var alone = new Dictionary<(int Step, int Run), float[]>();
    for (int k = 0; k < runs.Count; k++)
    {
        int run = k;
        SequentialRun.Train(g, runs[k], wants: s => at.Contains(s), snapshot: (s, w) => alone[(s, run)] = w);
    }
    var stacked = new Dictionary<(int Step, int Run), float[]>();
    StackedRuns.Train(g, runs, wants: s => at.Contains(s), snapshot: (s, p) =>
    {
        for (int k = 0; k < runs.Count; k++) stacked[(s, k)] = p.Row(k);
    });
    foreach (var s in at)
    {
        int identical = 0;
        double maxAbs = 0, maxRel = 0;
        for (int k = 0; k < runs.Count; k++)
        {
            var a = alone[(s, k)];
            var b = stacked[(s, k)];
            if (a.AsSpan().SequenceEqual(b)) identical++;
            double abs = a.Zip(b).Max(p => Math.Abs((double)p.First - p.Second));
            maxAbs = Math.Max(maxAbs, abs);
            maxRel = Math.Max(maxRel, abs / a.Max(v => Math.Abs((double)v)));
        }
        md.AppendLine($"| {g.Shape.Name} | {s} | {identical} / {runs.Count} | {maxAbs:0.###e+0} | {maxRel:0.###e+0} |");
        Console.WriteLine($"{g.Shape.Name,-24} step {s,4}: identical {identical}/{runs.Count}  max abs {maxAbs:0.###e+0}  max rel {maxRel:0.###e+0}");
    }
}

md.AppendLine().AppendLine("## The first step, before any optimizer step (K = 24)").AppendLine();
md.AppendLine("| grid | outputs bit-identical | gradient bit-identical, per parameter (runs) | max abs gradient difference, per parameter |");
md.AppendLine("|---|---:|---|---|");
foreach (var g in grids)
{
    var runs = Enumerable.Range(0, g.Shape.GridSize).Select(g.Shape.Run).ToList();
    var first = FirstStep.Compare(g, runs);
    int parameters = first[0].Gradients.Length;
    var same = Enumerable.Range(0, parameters).Select(i => first.Count(f => f.Gradients[i] == 0)).ToList();
    var worst = Enumerable.Range(0, parameters).Select(i => first.Max(f => f.Gradients[i])).ToList();
    md.AppendLine($"| {g.Shape.Name} | {first.Count(f => f.Outputs)} / {runs.Count} | {string.Join(", ", same.Select(c => $"{c}/{runs.Count}"))} | " +
                  $"{string.Join(", ", worst.Select(w => w.ToString("0.###e+0", inv)))} |");
    Console.WriteLine($"{g.Shape.Name,-24} first step: outputs identical {first.Count(f => f.Outputs)}/{runs.Count}, " +
                      $"gradients identical per parameter {string.Join(", ", same)}; " +
                      $"worst {string.Join(", ", worst.Select(w => w.ToString("0.###e+0", inv)))}");
}

foreach (var g in grids) g.Dispose();
var header = new StringBuilder();
header.AppendLine("<!-- Generated by bench/BatchedRuns (dotnet run -c Release --project bench/BatchedRuns). -->");
header.AppendLine($"Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}; " +
                  $"{repeats} repeats, torch threads 1.").AppendLine();
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
File.WriteAllText(output, header.ToString() + md);
Console.WriteLine($"wrote {output}");
