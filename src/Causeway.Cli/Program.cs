using System.CommandLine;
using Causeway.Cli.Commands;
using Causeway.Cli.Composition;
using Causeway.Cli.Output;

namespace Causeway.Cli;

internal static class Program
{
    /// <summary>How long a command may take to stop after Ctrl+C or SIGTERM. 10 s.</summary>
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private static async Task<int> Main(string[] args)
    {
        var verbose = new Option<bool>("--verbose") { Description = "Show more: the detail of every task a party takes, and the stack trace of a failure.", Recursive = true };
        var root = new RootCommand("Causeway: federated learning where every row of data stays home.")
        {
            DemoCommand.Create(),
            RecsysCommand.Create(),
            SimulateCommand.Create(),
            SchemaCommand.Create(),
            DocsCommand.Create(),
            CoordinatorCommand.Create(),
            PartyCommand.Create(verbose),
            RunCommand.Create(),
            CertsCommand.Create(),
            PredictCommand.Create(),
            ExportCommand.Create(),
            RecommendCommand.Create(),
            ModelCommand.Create(),
            BenchCommand.Create(),
            PrivacyCommand.Create(),
            VerticalCommand.Create(),
            VectorsCommand.Create(),
            EncodeCommand.Create(),
        };
        root.Options.Add(verbose);

        // Failures are reported here, in one or two lines with a hint, not by the parser's handler (a stack trace each).
        var parse = root.Parse(args);
        try
        {
            // Ctrl+C and SIGTERM cancel the command's token; it then has StopTimeout to clean up (a demo stops its
            // processes, a party its session) before the process exits anyway. A coordinator or party a demo started
            // stops the same way when the demo is gone, however it went.
            var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = StopTimeout };
            return await parse.InvokeAsync(invocation, ParentWatch.Start());
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
