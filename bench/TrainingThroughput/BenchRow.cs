using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;

/// <summary>
/// One measured epoch of one runner, printed as a JSON line: samples/s of the training steps, and where the time went.
/// For the harness runners <see cref="EpochSeconds"/> is the whole cycle from the previous epoch's end (after every sink
/// and checkpoint) to this one's, and its parts come from the trainer's metrics: compute (forward + loss, backward,
/// optimizer step), data (batch slicing) and evaluation. The bare loop times its compute and slicing the same way.
/// </summary>
sealed record BenchRow
{
    public required string Runner { get; init; }
    public required string Model { get; init; }
    public required int Round { get; init; }
    public required int Epoch { get; init; }
    public required int Threads { get; init; }
    public required long Samples { get; init; }
    public required double SamplesPerSecond { get; init; }
    public required double TrainSeconds { get; init; }
    public double? EpochSeconds { get; init; }
    public double? ComputeSeconds { get; init; }
    public double? DataSeconds { get; init; }
    public double? EvaluationSeconds { get; init; }
    public double RssMb { get; init; } = Math.Round(RssBytes() / 1048576.0, 1);
    public long LiveTensors { get; init; } = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
    /// <summary>
    /// Time the GC paused the process since the previous row (for a runner's later epochs: during the epoch), and the
    /// collections of each generation.
    /// </summary>
    public double GcPauseMs { get; init; }
    public int GcGen0 { get; init; }
    public int GcGen1 { get; init; }
    public int GcGen2 { get; init; }

    static TimeSpan lastPause = GC.GetTotalPauseDuration();
    static readonly int[] lastCollections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public void Print()
    {
        var pause = GC.GetTotalPauseDuration();
        // CollectionCount(n) counts collections of generation n and above: the differences give each generation's own.
        int[] now = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        int[] delta = [now[0] - lastCollections[0], now[1] - lastCollections[1], now[2] - lastCollections[2]];
        var row = this with
        {
            GcPauseMs = Math.Round((pause - lastPause).TotalMilliseconds, 2),
            GcGen0 = delta[0] - delta[1],
            GcGen1 = delta[1] - delta[2],
            GcGen2 = delta[2],
        };
        lastPause = pause;
        now.CopyTo(lastCollections, 0);
        row.Write();
    }

    void Write() => Console.WriteLine(JsonSerializer.Serialize(this with
    {
        SamplesPerSecond = Math.Round(SamplesPerSecond),
        TrainSeconds = Math.Round(TrainSeconds, 4),
        EpochSeconds = Rounded(EpochSeconds),
        ComputeSeconds = Rounded(ComputeSeconds),
        DataSeconds = Rounded(DataSeconds),
        EvaluationSeconds = Rounded(EvaluationSeconds),
    }, Json));

    static double? Rounded(double? v) => v is { } d ? Math.Round(d, 4) : null;

    static long RssBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        return 0;
    }
}
