using System.Text;
using Harness.Data;
using Harness.Tests.Config;
using Xunit;

namespace Harness.Tests.Reliability;

/// <summary>
/// Input accepted and then wrong (issue 17, items 7-11 and the cheap messages of 13): values are checked in the range
/// the code stores them in, null is rejected where it would silently mean "default", and files in a form the harness
/// does not read are named as such.
/// </summary>
public class InputRangeTests
{
    [Theory]
    [InlineData("1e308")]
    [InlineData("3.5e38")]
    [InlineData("-3.5e38")]
    public void A_csv_feature_beyond_float32_is_a_data_error_naming_row_and_column(string value)
    {
        var text = $"a,b,label\n1,2,x\n3,{value},y\n";
        var e = Assert.Throws<DataException>(() => CsvTableReader.Read(new StringReader(text), "t.csv", "label", header: true, separator: ","));
        Assert.Contains("t.csv:3:", e.Message);
        Assert.Contains("column \"b\"", e.Message);
        Assert.Contains("float32", e.Message);
    }

    [Fact]
    public void A_csv_feature_within_float32_is_accepted() =>
        Assert.Equal(3.4e38f, CsvTableReader.Read(new StringReader("a,label\n3.4e38,x\n1,y\n"), "t.csv", "label", true, ",").Features[0]);

    [Theory]
    [InlineData("losses.1.options.delta=1e300", "losses.1.options.delta", "float32")]
    [InlineData("losses.1.options.delta=-1e300", "losses.1.options.delta", "float32")]
    [InlineData("losses.0.options.weight=[1,1,1,1,1,1,1,1,1,1e300]", "losses.0.options.weight", "float32")]
    [InlineData("seeds=[-2147483648]", "seeds.0", "valid: 0 to 2147483647")]
    [InlineData("seeds=[3,-1]", "seeds.1", "negative")]
    [InlineData("threads=10000", "threads", "4 x the")]
    public void Values_beyond_what_the_code_stores_are_config_errors(string set, string path, string expected)
    {
        var message = ConfigFiles.Error(ConfigFiles.Base, set);
        Assert.StartsWith(path + ":", message);
        Assert.Contains(expected, message);
    }

    [Theory]
    [InlineData("dataset.csv.path")]
    [InlineData("dataset.root")]
    public void A_path_with_a_control_character_is_a_config_error(string key)
    {
        // Found by CliFuzzTests (seed 99, case 16): a NUL in csv.path ended in "Null character in path", exit 70.
        var config = ConfigFiles.Base.Replace("\"dataset\": { \"name\": \"digits\" }",
            key == "dataset.root"
                ? "\"dataset\": { \"name\": \"mnist\", \"root\": \"a\\u0000b\" }"
                : "\"dataset\": { \"name\": \"csv\", \"csv\": { \"path\": \"a\\u0000b.csv\" } }");
        Assert.StartsWith(key + ":", ConfigFiles.Error(config));
    }

    [Fact]
    public void Batch_norm_with_batches_of_one_is_a_config_error()
    {
        var message = ConfigFiles.Error(ConfigFiles.Base, "model.batchNorm=true", "training.batchSize=1");
        Assert.StartsWith("training.batchSize:", message);
        Assert.Contains("batch normalization", message);
    }

    [Theory]
    [InlineData("\"dataset\": { \"name\": \"digits\" }", "\"dataset\": null", "dataset is null")]
    [InlineData("\"optimizer\": { \"name\": \"adam\", \"learningRate\": 0.001 }", "\"optimizer\": null", "training.optimizer is null")]
    [InlineData("\"seeds\": [0, 1, 2]", "\"seeds\": [0, null]", "seeds.1 is null")]
    [InlineData("\"epochs\": 3", "\"epochs\": null", "training.epochs is null")]
    public void Null_for_a_key_or_section_is_an_error_with_its_path(string from, string to, string expected)
    {
        Assert.Contains(from, ConfigFiles.Base);
        var message = ConfigFiles.Error(ConfigFiles.Base.Replace(from, to));
        Assert.Contains(expected, message);
        Assert.Contains("line ", message);
    }

    [Fact]
    public void Null_stays_valid_where_the_schema_documents_it()
    {
        var config = ConfigFiles.Load(ConfigFiles.Base.Replace("\"seeds\": [0, 1, 2],", "\"seeds\": [0, 1, 2], \"convergenceTarget\": null,"));
        Assert.Null(config.ConvergenceTarget);
    }

    [Fact]
    public void A_utf16_config_says_so()
    {
        var path = ConfigFiles.Write("");
        File.WriteAllBytes(path, Encoding.Unicode.GetBytes(ConfigFiles.Base)); // UTF-16 LE, no BOM
        var e = Assert.Throws<Harness.Config.ConfigException>(() => Harness.Config.ConfigLoader.Load(path, []));
        Assert.Contains("UTF-16", e.Message);
    }

    [Fact]
    public void A_utf16_csv_and_a_csv_path_that_is_a_folder_say_so()
    {
        var dir = Directory.CreateTempSubdirectory("csv-input-").FullName;
        try
        {
            var csv = Path.Combine(dir, "u16.csv");
            File.WriteAllBytes(csv, Encoding.Unicode.GetBytes("a,label\n1,x\n2,y\n"));
            var e = Assert.Throws<DataException>(() => CsvTableReader.ReadFile(csv, "label", true, ","));
            Assert.Contains("UTF-16", e.Message);
            Assert.False(e.Message.Contains('\0'), "the message quotes NUL bytes");
            e = Assert.Throws<DataException>(() => CsvTableReader.ReadFile(dir, "label", true, ","));
            Assert.Contains("is a folder", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void An_idx_file_with_no_images_says_so()
    {
        var dir = Directory.CreateTempSubdirectory("idx-empty-").FullName;
        try
        {
            IdxFiles.Write(dir, rows: 8, cols: 8, train: 0, test: 10);
            var e = Assert.Throws<DataException>(() => IdxDatasets.Load("mnist", dir, download: false));
            Assert.Contains("holds no images", e.Message);
            Assert.DoesNotContain("validationFraction", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }
}
