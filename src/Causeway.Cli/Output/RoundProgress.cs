using System.Globalization;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Spectre.Console;

namespace Causeway.Cli.Output;

/// <summary>
/// Shows a run's progress: a bar that advances per closed round, and one line per round with its loss,
/// accuracy, participants and time. Never prints parameters.
/// </summary>
internal sealed class RoundProgress(ProgressTask bar) : IRunObserver
{
    public ValueTask OnRoundStartedAsync(RoundInfo round, IReadOnlyList<PartyId> selected, CancellationToken cancellationToken)
    {
        bar.Description = $"round {round.Round}/{round.TotalRounds}: training on {selected.Count} parties";
        return ValueTask.CompletedTask;
    }

    public ValueTask OnRoundCompletedAsync(RoundSummary summary, RunCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        AnsiConsole.MarkupLine(Markup.Escape(Describe(summary)));
        bar.Increment(1);
        return ValueTask.CompletedTask;
    }

    public static string Describe(RoundSummary summary)
    {
        var culture = CultureInfo.InvariantCulture;
        var accuracy = summary.Evaluation?.Accuracy is { } a ? a.ToString("P2", culture) : "-";
        var loss = summary.Evaluation?.Loss is { } l ? l.ToString("F4", culture) : "-";
        var failures = summary.Failures.Count == 0
            ? string.Empty
            : "; failures: " + string.Join(", ", summary.Failures.GroupBy(f => f.Kind).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"));
        var status = summary.Succeeded ? string.Empty : $" (round failed: {summary.Problem ?? "too few results"}; model unchanged)";
        var privacy = summary.Privacy is { } p
            ? string.Create(culture, $"  ε {Epsilon(p.ClientEpsilon ?? p.SampleEpsilon)} (δ {p.Delta:G2})")
            : string.Empty;
        return string.Create(
            culture,
            $"round {summary.Round,3}: loss {loss}  accuracy {accuracy}  parties {summary.Participants}/{summary.Selected}  {summary.Seconds:F2}s{privacy}{failures}{status}");

        static string Epsilon(double? epsilon) => epsilon is { } e ? e.ToString("F3", CultureInfo.InvariantCulture) : "-";
    }

    /// <summary>Runs <paramref name="work"/> under a progress bar sized to <paramref name="rounds"/>.</summary>
    public static async Task<T> ShowAsync<T>(string title, int rounds, Func<IRunObserver, Task<T>> work)
    {
        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var bar = context.AddTask(title, maxValue: rounds);
                result = await work(new RoundProgress(bar));
                bar.Description = title;
                bar.Value = rounds;
            });
        return result;
    }
}
