using System.Text.Json;
using System.Text.Json.Nodes;

namespace Causeway.Cli.Output;

/// <summary>Writes the machine-readable summary a command produces with <c>--report FILE</c>.</summary>
internal static class ReportFile
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Write(string path, JsonNode report)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, report.ToJsonString(Indented) + "\n");
    }

    public static void Write(string path, string json) => Write(path, JsonNode.Parse(json)!);
}
