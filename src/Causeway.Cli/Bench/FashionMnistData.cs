using System.Diagnostics;
using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Federation.Simulation;

namespace Causeway.Cli.Bench;

/// <summary>
/// Fashion-MNIST (Xiao et al. 2017) from Debian's <c>dataset-fashion-mnist</c> package: 60,000 training and
/// 10,000 test images of 28 x 28 pixels in 10 classes.
/// </summary>
internal static class FashionMnistData
{
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";
    public const string InstallScript = "scripts/install-fashion-mnist.sh";

    private static readonly string[] Files =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    /// <summary>
    /// Makes sure the files are there: when they are missing from the default directory, runs the install script
    /// (found by walking up from the current directory). Returns an error message, or null when the files exist.
    /// </summary>
    public static string? Ensure(string directory, TextWriter log)
    {
        if (Missing(directory).Count == 0)
        {
            return null;
        }

        var script = FindScript();
        if (directory != DefaultDirectory || script is null)
        {
            return $"Fashion-MNIST files missing in {directory}: {string.Join(", ", Missing(directory))}. "
                + $"Install them with: sudo {InstallScript} (or: sudo apt-get install dataset-fashion-mnist), or pass --data-dir.";
        }

        log.WriteLine($"Fashion-MNIST not found in {directory}; running {script} ...");
        using var process = Process.Start(new ProcessStartInfo("bash", [script]) { UseShellExecute = false })
            ?? throw new InvalidOperationException($"could not start bash {script}");
        process.WaitForExit();
        return process.ExitCode == 0 && Missing(directory).Count == 0
            ? null
            : $"{script} exited with code {process.ExitCode}; run it as root (sudo {script}) and retry.";
    }

    public static SimulationData Load(string directory)
    {
        var train = IdxReader.Read(Path.Combine(directory, Files[0]), Path.Combine(directory, Files[1]));
        var test = IdxReader.Read(Path.Combine(directory, Files[2]), Path.Combine(directory, Files[3]));
        return new SimulationData(train, test, LearningTask.MulticlassClassification, 10);
    }

    private static List<string> Missing(string directory) =>
        [.. Files.Where(f => !File.Exists(Path.Combine(directory, f)))];

    private static string? FindScript()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, InstallScript);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
