using System.Runtime.CompilerServices;

namespace Causeway.Core.Tests.Data;

/// <summary>Finds the bundled sample files: the folder holding Causeway.slnx, found by walking up from the test binaries.</summary>
internal static class SampleFiles
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([RepositoryRoot, "samples", .. parts]);

    private static string FindRoot()
    {
        // The binaries sit under the repository unless the build used --artifacts-path elsewhere (as CI and parallel
        // builds on one machine do); then this source file's compile-time location leads to the repository instead.
        foreach (var start in new[] { AppContext.BaseDirectory, SourceDirectory() })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(directory.FullName, "Causeway.slnx")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} or {SourceDirectory()} contains Causeway.slnx.");
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => System.IO.Path.GetDirectoryName(path) ?? ".";
}
