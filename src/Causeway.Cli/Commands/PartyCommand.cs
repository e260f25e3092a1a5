using System.CommandLine;

namespace Causeway.Cli.Commands;

internal static class PartyCommand
{
    public static Command Create() => new("party", "(being built)");
}
