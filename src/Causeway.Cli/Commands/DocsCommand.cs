using System.CommandLine;
using Causeway.Cli.Output;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway docs configuration</c>: the reference of every configuration field, generated from the code that reads it.</summary>
internal static class DocsCommand
{
    public static Command Create()
    {
        var configuration = new Command(
            "configuration",
            "Print the reference of every field of run configs, data schemas and coordinator options, with types, defaults and meanings (Markdown; docs/configuration.md is this output).");
        configuration.SetAction(_ => Console.Out.Write(ConfigurationReference.Generate()));
        return new Command("docs", "Generated reference documentation.") { configuration };
    }
}
