using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Federation.Reporting;
using Spectre.Console;

namespace Causeway.Cli.Composition;

/// <summary>
/// Follows a run through the control API until it ends: a progress bar over its rounds and one table row per closed
/// round (updates, the parties not accepted and why, losses, accuracy, AUC, seconds). Used by <c>run start --follow</c>,
/// <c>run watch</c> and the demos.
/// </summary>
internal static class RunFollower
{
    /// <summary>How often the run is polled. 250 ms.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The run's final state ("Completed", "Failed", "Stopped"), its error if any, and every round as followed.</summary>
    public sealed record Outcome(string State, string? Error, IReadOnlyList<RoundReport> Rounds)
    {
        public bool Completed => State == "Completed";
    }

    private const string Header = "round  updates  train loss  eval loss  accuracy     AUC  seconds  not accepted";

    /// <summary>Follows <paramref name="runId"/> until it completes, fails or is stopped.</summary>
    /// <param name="api">The coordinator's control API.</param>
    /// <param name="runId">The run.</param>
    /// <param name="checkAlive">Called before every poll; throws when something the run depends on has gone (a demo's processes).</param>
    /// <param name="cancellationToken">Stops following (not the run).</param>
    public static async Task<Outcome> FollowAsync(ControlApiClient api, string runId, Action? checkAlive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        var details = await api.RunAsync(runId, cancellationToken);
        if (Console.IsOutputRedirected)
        {
            // Into a file or a pipe: plain lines, never wrapped or redrawn.
            return await PollAsync(api, runId, details, checkAlive, Console.WriteLine, _ => { }, cancellationToken);
        }

        Outcome? outcome = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var bar = context.AddTask($"run {runId}", maxValue: Math.Max(1, details["run"]?["totalRounds"]?.GetValue<int>() ?? 1));
                outcome = await PollAsync(api, runId, details, checkAlive, line => AnsiConsole.WriteLine(line), done => bar.Value = done, cancellationToken);
            });
        return outcome!;
    }

    private static async Task<Outcome> PollAsync(
        ControlApiClient api, string runId, JsonNode details, Action? checkAlive, Action<string> writeLine, Action<int> roundsDone, CancellationToken cancellationToken)
    {
        var reports = new List<RoundReport>();
        writeLine(Header);
        while (true)
        {
            foreach (var round in (details["rounds"]?.AsArray() ?? []).Skip(reports.Count))
            {
                var report = Report(round!);
                reports.Add(report);
                writeLine(Row(report, round!));
                roundsDone(reports.Count);
            }

            var state = details["run"]?["state"]?.GetValue<string>();
            if (state is "Completed" or "Failed" or "Stopped")
            {
                return new Outcome(state, details["run"]?["error"]?.ToString(), reports);
            }

            await Task.Delay(PollInterval, cancellationToken);
            checkAlive?.Invoke();
            details = await api.RunAsync(runId, cancellationToken);
        }
    }

    // The round as the reports and the summary table count it.
    private static RoundReport Report(JsonNode round)
    {
        var metrics = round["metrics"]?.AsObject();
        return new RoundReport(
            round["round"]!.GetValue<int>(),
            Metric(metrics, "eval_loss"),
            Metric(metrics, "eval_accuracy"),
            round["updates"]!.GetValue<int>(),
            round["failures"]?.AsArray().Count ?? 0,
            (long)(Metric(metrics, "bytes") ?? 0),
            Metric(metrics, "seconds") ?? 0,
            Metric(metrics, "slowest_party_seconds"),
            Metric(metrics, "epsilon"),
            Metric(metrics, "sample_epsilon"));
    }

    // One line under Header: the round's figures, then each party not accepted with its outcome.
    private static string Row(RoundReport report, JsonNode round)
    {
        var metrics = round["metrics"]?.AsObject();
        var selected = (int)(Metric(metrics, "selected") ?? report.Participants);
        var missing = (round["parties"]?.AsArray() ?? [])
            .Where(p => p?["outcome"]?.GetValue<string>() is { } o && o != "accepted")
            .Select(p => $"{p!["party"]} ({p["outcome"]})")
            .ToList();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{report.Round,5}  {$"{report.Participants}/{selected}",7}  {Format(Metric(metrics, "train_loss"), "F4"),10}  {Format(report.Loss, "F4"),9}  {Format(report.Accuracy, "P2"),8}  {Format(Metric(metrics, "eval_roc_auc"), "F3"),6}  {report.Seconds,7:F2}  {(missing.Count == 0 ? "-" : string.Join(", ", missing))}");
    }

    private static string Format(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";

    private static double? Metric(JsonObject? metrics, string name) =>
        metrics is not null && metrics.TryGetPropertyValue(name, out var value) && value is not null ? value.GetValue<double>() : null;
}
