namespace Causeway.Fuzz.Tests;

/// <summary>The repository's corpus (fuzz/corpus) plus each target's generated seeds.</summary>
internal static class Corpus
{
    /// <summary>fuzz/corpus in the repository this test was built from.</summary>
    public static string Root { get; } = Find();

    public static IReadOnlyList<byte[]> Load(FuzzTarget target)
    {
        var files = Directory.GetFiles(Path.Combine(Root, target.Name)).Order(StringComparer.Ordinal).Select(File.ReadAllBytes);
        return [.. files, .. target.Seeds().Select(s => s.Bytes)];
    }

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var corpus = Path.Combine(directory.FullName, "fuzz", "corpus");
            if (File.Exists(Path.Combine(directory.FullName, "Causeway.slnx")) && Directory.Exists(corpus))
            {
                return corpus;
            }
        }

        throw new DirectoryNotFoundException($"No fuzz/corpus above {AppContext.BaseDirectory}.");
    }
}
