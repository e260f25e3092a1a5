using System.Runtime.CompilerServices;
using Causeway.Federation.Vertical.Training;

namespace Causeway.Federation.Tests.Vertical.Training;

/// <summary>The bundled vertical sample configs, found from this source file's location (the repository root is four folders up).</summary>
internal static class VerticalSamples
{
    public static VerticalSimulationConfig Load(string name) => VerticalSimulationConfig.Load(Config(name));

    public static string Config(string name) => Path.GetFullPath(Path.Combine(Folder(), "..", "..", "..", "..", "samples", "configs", name));

    /// <summary>The same table split between 2 parties: the guest keeps its columns, the others go to one host.</summary>
    public static VerticalSimulationConfig TwoParties(VerticalSimulationConfig config) => config with
    {
        Parties = config.Parties.Take(2).ToArray(),
        Columns = config.Columns.ToDictionary(pair => pair.Key, pair => pair.Value == config.Parties[0] ? pair.Value : config.Parties[1]),
    };

    private static string Folder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
