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

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public void Print() => Console.WriteLine(JsonSerializer.Serialize(this with
    {
        SamplesPerSecond = Math.Round(SamplesPerSecond), TrainSeconds = Math.Round(TrainSeconds, 4),
        EpochSeconds = Rounded(EpochSeconds), ComputeSeconds = Rounded(ComputeSeconds), DataSeconds = Rounded(DataSeconds),
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
