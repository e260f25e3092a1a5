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

    /// <summary>
    /// A reporter that shows each named stage as its own bar, added the first time the stage reports. It reports on the
    /// calling thread, so the bars move while synchronous work runs.
    /// </summary>
    public static IProgress<(string Stage, int Done, int Total)> Stages(ProgressContext context) => new StageBars(context);

    private sealed class StageBars(ProgressContext context) : IProgress<(string Stage, int Done, int Total)>
    {
        private readonly Dictionary<string, ProgressTask> _bars = new(StringComparer.Ordinal);

        public void Report((string Stage, int Done, int Total) value)
        {
            lock (_bars)
            {
                if (!_bars.TryGetValue(value.Stage, out var bar))
                {
                    _bars[value.Stage] = bar = context.AddTask(Markup.Escape(value.Stage), maxValue: value.Total);
                }

                bar.Value = value.Done;
            }
        }
    }
}
