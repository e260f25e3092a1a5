namespace Causeway.Core.Tests.Data;

/// <summary>Finds the bundled sample files from the test's output folder, whatever the artifacts path.</summary>
internal static class SampleFiles
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([RepositoryRoot, "samples", .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Causeway.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} contains Causeway.slnx.");
    }
}
