namespace Causeway.Fuzz;

/// <summary>The sample configurations (samples/configs), embedded so the published harness carries its seeds.</summary>
internal static class SampleFiles
{
    public static IEnumerable<FuzzSeed> Configs()
    {
        var assembly = typeof(SampleFiles).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("configs/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            yield return new FuzzSeed(name["configs/".Length..], copy.ToArray());
        }
    }
}
