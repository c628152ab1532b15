using TorchSharp;

namespace Harness.Data;

/// <summary>
/// MNIST and Fashion-MNIST from their four IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte,
/// t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each optionally .gz). The test split is the dataset's own
/// t10k files. Pixels are scaled by 1/255 so that 255 maps to exactly 1 (TorchVision's datasets divide by 256).
/// </summary>
internal static class IdxDatasets
{
    /// <summary>Debian's dataset-fashion-mnist package installs the gzipped files here.</summary>
    public const string FashionMnistDefaultRoot = "/usr/share/datasets/fashion-mnist";
    /// <summary>Conventional location for MNIST (no Debian package ships it).</summary>
    public const string MnistDefaultRoot = "/usr/share/datasets/mnist";

    static readonly string[] Stems = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>Training and test tables of 1 x rows x cols float images in [0, 1], 10 classes.</summary>
    public static (HostTable Train, HostTable Test, string Source) Load(string name, string root, bool download)
    {
        bool fashion = name == "fashion-mnist";
        var files = Locate(root);
        if (files == null && download)
        {
            Download(fashion, root);
            files = Locate(root);
        }
        if (files == null)
            throw new DataException(MissingMessage(name, fashion, root, download));

        var train = ReadPair(files[0], files[1]);
        var test = ReadPair(files[2], files[3]);
        if (train.FeatureShape[1] != test.FeatureShape[1] || train.FeatureShape[2] != test.FeatureShape[2])
            throw new DataException($"{files[2]}: test images are {test.FeatureShape[1]}x{test.FeatureShape[2]} but training images ({files[0]}) " +
                                    $"are {train.FeatureShape[1]}x{train.FeatureShape[2]}; the files come from different datasets.");
        return (train, test, string.Join(", ", files));
    }

    /// <summary>The four files in <paramref name="root"/> or, after a TorchVision download, in root/&lt;name&gt;/; null if any is missing.</summary>
    static string[]? Locate(string root)
    {
        foreach (var dir in new[] { root, Path.Combine(root, "fashion-mnist"), Path.Combine(root, "mnist") })
        {
            var found = Stems.Select(stem => Find(dir, stem)).ToArray();
            if (found.All(f => f != null)) return found!;
        }
        return null;
    }

    static string? Find(string dir, string stem)
    {
        foreach (var candidate in new[] { Path.Combine(dir, stem + ".gz"), Path.Combine(dir, stem) })
            if (File.Exists(candidate)) return candidate;
        return null;
    }

    static string MissingMessage(string name, bool fashion, string root, bool download)
    {
        var missing = Stems.Where(stem => Find(root, stem) == null).Select(stem => Path.Combine(root, stem + "[.gz]"));
        var how = fashion
            ? $"Install them with `sudo apt-get install dataset-fashion-mnist` (puts them in {FashionMnistDefaultRoot}), " +
              "set \"root\" to the folder that holds them, or set \"download\": true (needs internet)."
            : "Put the four MNIST IDX files there, set \"root\" to the folder that holds them, or set \"download\": true (needs internet).";
        return $"{name}: IDX file(s) not found: {string.Join(", ", missing)}. "
            + (download ? "The download did not produce them either. " : "")
            + how;
    }

    static HostTable ReadPair(string imagesPath, string labelsPath)
    {
        var images = IdxReader.ReadImages(imagesPath);
        var labels = IdxReader.ReadLabels(labelsPath);
        if (images.Count == 0)
            throw new DataException($"{imagesPath}: holds no images (its header counts 0); the file is empty or damaged.");
        if (labels.Length != images.Count)
            throw new DataException($"{labelsPath}: {labels.Length} labels but {imagesPath} has {images.Count} images; " +
                                    "the two files must come from the same split.");
        var classes = new long[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] > 9)
                throw new DataException($"{labelsPath}: label {labels[i]} at position {i} is out of range; MNIST-style labels are 0..9.");
            classes[i] = labels[i];
        }
        // The bytes stay bytes until the tensors are made (scaled by 1/255 there, see Standardizer).
        return new HostTable(images.Pixels, [1, images.Rows, images.Columns], classes, null);
    }

    /// <summary>
    /// Fetches the files with TorchVision's downloader, which writes the .gz files to {root}/&lt;name&gt;/ (and
    /// also unpacks them into test_data/ and loads them, which we do not use: we read the .gz with our reader).
    /// Deliberately minimal and untested here: these machines have no internet.
    /// </summary>
    static void Download(bool fashion, string root)
    {
        try
        {
            Directory.CreateDirectory(root);
            foreach (var train in new[] { true, false })
            {
                using var dataset = fashion
                    ? torchvision.datasets.FashionMNIST(root, train, download: true)
                    : torchvision.datasets.MNIST(root, train, download: true);
            }
        }
        catch (Exception e)
        {
            throw new DataException($"{(fashion ? "fashion-mnist" : "mnist")}: download into {root} failed: {e.Message}. " +
                                    $"Check the internet connection and that {root} is writable, or install the files by hand (see \"root\").", e);
        }
    }
}
