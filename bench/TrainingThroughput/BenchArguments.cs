using System.Globalization;

/// <summary>
/// The command line: <c>MODEL [EPOCHS=3] [ROUNDS=3] [THREADS=1] [--train-samples N] [--test-samples N] [--runners LIST]</c>.
/// MODEL is <c>mlp</c> (784-256-128-10) or <c>cnn</c> (the harness's small CNN); the sample limits (0: all) keep a CNN
/// round short; LIST is a comma-separated subset of <see cref="AllRunners"/> (default: all, in that order).
/// </summary>
sealed record BenchArguments(string Model, int Epochs, int Rounds, int Threads, int TrainSamples, int TestSamples, IReadOnlyList<string> Runners)
{
    public static readonly string[] AllRunners = ["bare", "harness", "harness-cli", "harness-defaults"];

    public const string Usage = "usage: TrainingThroughput mlp|cnn [epochs=3] [rounds=3] [threads=1] [--train-samples N] [--test-samples N] " +
                                "[--runners bare,harness,harness-cli,harness-defaults]";

    public static BenchArguments Parse(string[] args)
    {
        var positional = new List<string>();
        int trainSamples = 0, testSamples = 0;
        IReadOnlyList<string> runners = AllRunners;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--train-samples" when i + 1 < args.Length: trainSamples = Count(args[++i]); break;
                case "--test-samples" when i + 1 < args.Length: testSamples = Count(args[++i]); break;
                case "--runners" when i + 1 < args.Length:
                    runners = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (runners.Count == 0 || runners.Any(r => !AllRunners.Contains(r)))
                        throw new ArgumentException($"--runners takes a comma-separated subset of {string.Join(",", AllRunners)}. {Usage}");
                    break;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unknown option '{args[i]}'. {Usage}");
                    positional.Add(args[i]);
                    break;
            }
        }
        if (positional.Count is 0 or > 4 || positional[0] is not ("mlp" or "cnn")) throw new ArgumentException(Usage);
        int At(int i, int fallback) => positional.Count > i ? Count(positional[i]) : fallback;
        return new BenchArguments(positional[0], At(1, 3), At(2, 3), At(3, 1), trainSamples, testSamples, runners);
    }

    static int Count(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
        ? v : throw new ArgumentException($"'{text}' is not a count. {Usage}");
}
