using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace LossKernels;

/// <summary>
/// Custom / built-in time ratios measured in adjacent pairs: one forward + backward of the custom loss and one of the
/// built-in, back to back (which goes first alternates), many times; the ratio of each pair, then the median and the
/// quartiles over pairs. BenchmarkDotNet measures one case after the other, seconds to minutes apart, and on a shared
/// 2-core VM the machine's speed drifts by up to 2x over that time (the same Huber ratio read 1.05x and 1.85x in one
/// evening); within a pair of calls a few milliseconds apart the drift cancels.
/// </summary>
public static class PairedRatios
{
    /// <summary>One case's result.</summary>
    public sealed record Row(string Loss, string Shape, string BuiltIn, bool IsTwin, int Pairs, double CustomMs, double BuiltInMs,
        double Median, double Lower, double Upper, double CustomFaults, double BuiltInFaults);

    /// <summary>
    /// Measures every selected case for about <paramref name="secondsPerCase"/> seconds each and writes a Markdown table;
    /// <paramref name="allocator"/> says how glibc malloc was set up (see <see cref="GlibcAllocator"/>).
    /// </summary>
    public static void Run(IEnumerable<string> losses, IEnumerable<Size> sizes, double secondsPerCase, string allocator, string output)
    {
        var rows = new List<Row>();
        foreach (var name in losses)
            foreach (var size in sizes)
            {
                var row = Measure(name, size, secondsPerCase);
                rows.Add(row);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{row.Loss,-24} {row.Shape,-12} {row.Median,6:0.00}x (quartiles {row.Lower:0.00}-{row.Upper:0.00}, {row.Pairs} pairs; " +
                    $"custom {row.CustomMs:0.000} ms, built-in {row.BuiltInMs:0.000} ms; " +
                    $"page faults per call {row.CustomFaults:0.#} / {row.BuiltInFaults:0.#})"));
            }
        File.WriteAllText(output, Markdown(rows, secondsPerCase, allocator));
        Console.WriteLine($"wrote {output}");
    }

    static Row Measure(string name, Size size, double secondsPerCase)
    {
        var bench = new LossBenchmarks { Loss = name, Size = size };
        bench.Setup();
        try
        {
            // Warm-up: kernels, allocator caches, the JIT.
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed.TotalSeconds < Math.Min(0.5, secondsPerCase / 4)) { bench.Custom(); bench.BuiltIn(); }

            var ratios = new List<double>();
            var custom = new List<double>();
            var builtIn = new List<double>();
            long customFaults = 0, builtInFaults = 0;
            var clock = Stopwatch.StartNew();
            for (int i = 0; ratios.Count < 20 || clock.Elapsed.TotalSeconds < secondsPerCase; i++)
            {
                double c, b;
                if (i % 2 == 0) { c = Time(bench.Custom, ref customFaults); b = Time(bench.BuiltIn, ref builtInFaults); }
                else { b = Time(bench.BuiltIn, ref builtInFaults); c = Time(bench.Custom, ref customFaults); }
                custom.Add(c);
                builtIn.Add(b);
                ratios.Add(c / b);
            }
            var lossCase = LossCases.Get(name);
            return new Row(name, lossCase.ShapeText(size), lossCase.BuiltInName, lossCase.IsTwin, ratios.Count,
                Quantile(custom, 0.5), Quantile(builtIn, 0.5), Quantile(ratios, 0.5), Quantile(ratios, 0.25), Quantile(ratios, 0.75),
                customFaults / (double)ratios.Count, builtInFaults / (double)ratios.Count);
        }
        finally
        {
            bench.Cleanup();
        }
    }

    /// <summary>One call's milliseconds; its page faults are added to <paramref name="faults"/> (read outside the timed span).</summary>
    static double Time(Action call, ref long faults)
    {
        long before = GlibcAllocator.MinorFaults();
        long start = Stopwatch.GetTimestamp();
        call();
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        faults += GlibcAllocator.MinorFaults() - before;
        return ms;
    }

    static double Quantile(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        double position = q * (sorted.Count - 1);
        int low = (int)Math.Floor(position);
        int high = Math.Min(low + 1, sorted.Count - 1);
        return sorted[low] + (position - low) * (sorted[high] - sorted[low]);
    }

    static string Markdown(List<Row> rows, double secondsPerCase, string allocator)
    {
        var text = new StringBuilder();
        text.AppendLine("# Loss kernels: paired custom / built-in ratios");
        text.AppendLine();
        text.AppendLine("Forward + backward of each custom loss and of its built-in twin (or yardstick), float32, CPU, 2 threads, the inputs of");
        text.AppendLine("[loss-kernels.md](loss-kernels.md). Each pair is one call of each, back to back (the first alternates); the ratio is");
        text.AppendLine($"taken per pair, then the median and quartiles over about {secondsPerCase:0.#} s of pairs per case. Machine drift, which moves");
        text.AppendLine("BenchmarkDotNet's case-after-case ratios by up to 2x on these shared VMs, cancels within a pair. Reproduce with");
        text.AppendLine();
        text.AppendLine("```bash");
        text.AppendLine("dotnet run -c Release --project bench/LossKernels -- --paired [seconds per case, default 3] [--default-allocator] [loss ...]");
        text.AppendLine("```");
        text.AppendLine();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} CPUs ({Cpu()}). glibc malloc: {allocator}."));
        text.AppendLine();
        text.AppendLine("| loss | size | median custom / built-in ms | paired ratio (median) | quartiles | pairs | " +
                        "page faults per call, custom / built-in | compared with |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---|");
        foreach (var r in rows)
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Loss} | {r.Shape} | {r.CustomMs:0.000} / {r.BuiltInMs:0.000} | {r.Median:0.00}x | {r.Lower:0.00}-{r.Upper:0.00} | {r.Pairs} | " +
                $"{r.CustomFaults:0.#} / {r.BuiltInFaults:0.#} | `{r.BuiltIn}`{(r.IsTwin ? "" : " (yardstick)")} |"));
        return text.ToString();
    }

    static string Cpu()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal)) return line.Split(':', 2)[1].Trim();
        }
        catch (IOException) { }
        return "unknown CPU";
    }
}
