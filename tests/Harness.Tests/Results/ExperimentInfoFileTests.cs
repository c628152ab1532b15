using Harness.Results;
using Xunit;

namespace Harness.Tests.Results;

/// <summary>experiment.json: one writer, one reader.</summary>
public class ExperimentInfoFileTests
{
    static ExperimentInfo Info() => new()
    {
        Name = "quickstart", Description = "Four losses 'quoted'", Command = "harness run x.json", Device = "cpu", Threads = 1,
        GitCommit = null, GitDirty = true, TorchSharp = "0.107.0.0", LibTorch = "libtorch-cpu-linux-x64 2.10.0", Cpu = "AMD EPYC",
        VectorExtensions = "AVX2 FMA", Dotnet = "10.0.12", Os = "Debian GNU/Linux 12 (bookworm)", Processors = 2,
        Dataset = new ExperimentDataset
        {
            Name = "digits", Source = "shipped", Task = "classification", Classes = 10, FeatureShape = [1, 28, 28], Train = 1294, Validation = 144,
            Test = 359, DataSeed = "per run seed", ValidationCorruption = "clean", Notes = ["a", "b"],
        },
        Selection = "validation accuracy", Shard = "1/1", Resumed = false, Finished = true, Seconds = 12.25, Determinism = "CPU runs are bit-reproducible",
    };

    [Fact]
    public void Experiment_info_round_trips()
    {
        using var dir = new TempFolder();
        var path = new ResultsLayout(dir.Path).ExperimentInfo;
        var info = Info();
        ExperimentInfoFile.Write(path, info);
        var read = ExperimentInfoFile.Read(path);
        Assert.Equal(info.Dataset!.FeatureShape, read.Dataset!.FeatureShape);
        Assert.Equal(info.Dataset.Notes, read.Dataset.Notes);
        Assert.Equal(info.Dataset with { FeatureShape = null, Notes = null }, read.Dataset with { FeatureShape = null, Notes = null });
        Assert.Equal(info with { Dataset = null }, read with { Dataset = null });
    }

    [Fact]
    public void An_unfinished_grid_has_no_seconds_and_the_wall_time_is_rounded_to_10_ms()
    {
        using var dir = new TempFolder();
        var path = new ResultsLayout(dir.Path).ExperimentInfo;
        ExperimentInfoFile.Write(path, Info() with { Finished = false, Seconds = null });
        Assert.Contains("\"seconds\": null", File.ReadAllText(path));
        ExperimentInfoFile.Write(path, Info() with { Seconds = 3.14159 });
        Assert.Equal(3.14, ExperimentInfoFile.Read(path).Seconds);
    }

    [Fact]
    public void The_committed_experiment_json_is_written_back_byte_for_byte()
    {
        var path = new ResultsLayout(Path.Combine(RepositoryPaths.Root, "results", "quickstart")).ExperimentInfo;
        using var dir = new TempFolder();
        var copy = Path.Combine(dir.Path, ResultsLayout.ExperimentInfoFileName);
        ExperimentInfoFile.Write(copy, ExperimentInfoFile.Read(path));
        Assert.Equal(File.ReadAllText(path), File.ReadAllText(copy));
    }

    [Fact]
    public void A_damaged_experiment_json_names_the_file()
    {
        using var dir = new TempFolder();
        var path = new ResultsLayout(dir.Path).ExperimentInfo;
        File.WriteAllText(path, "{ \"dataset\": { \"train\": \"many\" } }");
        var e = Assert.Throws<ResultsFolderException>(() => ExperimentInfoFile.Read(path));
        Assert.Equal($"{path}: expected a number at '$.dataset.train', found \"many\"", e.Message);
    }
}
