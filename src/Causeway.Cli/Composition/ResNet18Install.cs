using System.Diagnostics;
using Causeway.Onnx.Encoders;

namespace Causeway.Cli.Composition;

/// <summary>Where a clone keeps the ImageNet ResNet18 graphs, fetched on first use by <c>scripts/install-resnet18.sh</c>.</summary>
internal static class ResNet18Install
{
    /// <summary>The graphs' folder in this clone, running the install script first when they are missing; or why not.</summary>
    public static (string? Directory, string? Problem) Ensure()
    {
        // The clone this program was built in, found from the program's own folder only: never a script from the working directory.
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "scripts", "install-resnet18.sh")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            return (null, "this program is not in a Causeway clone, whose scripts/install-resnet18.sh fetches the model; name the model's folder with --model-dir");
        }

        var directory = Path.Combine(root.FullName, ResNet18Features.InstallDirectory);
        if (File.Exists(Path.Combine(directory, "ResNet18.onnx")))
        {
            return (directory, null);
        }

        using var process = Process.Start(new ProcessStartInfo("bash", [Path.Combine(root.FullName, "scripts", "install-resnet18.sh")]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not start bash");
        process.WaitForExit();
        return process.ExitCode == 0 ? (directory, null) : (null, $"scripts/install-resnet18.sh exited with code {process.ExitCode}; run it by hand to see why");
    }
}
