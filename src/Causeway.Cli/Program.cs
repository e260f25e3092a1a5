using System.CommandLine;
using Causeway.Cli.Commands;

namespace Causeway.Cli;

internal static class Program
{
    private static Task<int> Main(string[] args)
    {
        var root = new RootCommand("Causeway: federated learning where every row of data stays home.")
        {
            DemoCommand.Create(),
            SimulateCommand.Create(),
            CoordinatorCommand.Create(),
            PartyCommand.Create(),
            RunCommand.Create(),
            CertsCommand.Create(),
            PredictCommand.Create(),
            BenchCommand.Create(),
            PrivacyCommand.Create(),
            VerticalCommand.Create(),
        };
        return root.Parse(args).InvokeAsync();
    }
}
