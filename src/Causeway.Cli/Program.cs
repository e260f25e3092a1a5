using System.CommandLine;
using Causeway.Cli.Commands;
using Causeway.Cli.Composition;
using Causeway.Cli.Output;

namespace Causeway.Cli;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var verbose = new Option<bool>("--verbose") { Description = "Show more: every task a party takes, and the stack trace of a failure.", Recursive = true };
        var root = new RootCommand("Causeway: federated learning where every row of data stays home.")
        {
            DemoCommand.Create(),
            SimulateCommand.Create(),
            CoordinatorCommand.Create(),
            PartyCommand.Create(verbose),
            RunCommand.Create(),
            CertsCommand.Create(),
            PredictCommand.Create(),
            BenchCommand.Create(),
            PrivacyCommand.Create(),
            VerticalCommand.Create(),
        };
        root.Options.Add(verbose);

        // Failures are reported here, in one or two lines with a hint, not by the parser's handler (a stack trace each).
        var parse = root.Parse(args);
        try
        {
            // A coordinator or party a demo started stops when the demo is gone, however it went.
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, ParentWatch.Start());
        }
        catch (OperationCanceledException e) when (e.InnerException is not TimeoutException)
        {
            // Ctrl+C, SIGTERM or the parent gone: the command stopped as asked.
            return 130;
        }
        catch (Exception e)
        {
            return FailureReport.Write(FailureReport.VerbOf(parse), e, parse.GetValue(verbose), Console.Error);
        }
    }
}
