using Spectre.Console;

namespace Causeway.Cli.Bench;

/// <summary>The progress display the bench scenarios share: bars stay on screen after they finish.</summary>
internal static class BenchProgress
{
    public static Task StartAsync(Func<ProgressContext, Task> work)
    {
        // Logs of long runs are read later: don't wrap result tables to the 80 columns Spectre assumes without a terminal.
        if (Console.IsOutputRedirected && AnsiConsole.Profile.Width < 160)
        {
            AnsiConsole.Profile.Width = 160;
        }

        return AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(work);
    }
}
