using System.Globalization;
using System.Text.Json.Nodes;

namespace Causeway.Cli.Composition;

/// <summary>
/// Runs a horizontal run on a <see cref="FailoverFederation"/> and SIGKILLs the active coordinator mid-run, once or
/// several times, timing each takeover: from the kill to the standby holding the lease, serving its control API, and
/// closing the next round. After each kill the killed coordinator is started again as the new standby, so the next kill
/// has someone to take over. Used by <c>bench takeover</c> and the standby tests.
/// </summary>
internal static class TakeoverDrill
{
    private static readonly TimeSpan RoundTimeout = TimeSpan.FromMinutes(3);

    /// <summary>What to run and when to kill.</summary>
    public sealed record Settings
    {
        /// <summary>The run's rounds. Default 12.</summary>
        public int Rounds { get; init; } = 12;

        /// <summary>How many times the active coordinator is killed. Default 1.</summary>
        public int Kills { get; init; } = 1;

        /// <summary>Rounds closed before the first kill, and between kills. Default 2.</summary>
        public int RoundsBetweenKills { get; init; } = 2;

        /// <summary>Local epochs per round: enough that a round takes a few hundred milliseconds, so a kill lands mid-run. Default 2000.</summary>
        public int Epochs { get; init; } = 2000;

        /// <summary>Seeds the run. Default 7.</summary>
        public ulong Seed { get; init; } = 7;
    }

    /// <summary>One kill and what followed.</summary>
    /// <param name="Takeover">The kill, the lease taken, listening and the first answer of the new active coordinator.</param>
    /// <param name="ClosedBeforeKill">Rounds the killed coordinator had closed (stored close time before the new one took the lease).</param>
    /// <param name="NextRoundClosedAt">When the new active coordinator closed its first round (its stored close time).</param>
    public sealed record Kill(FailoverFederation.Takeover Takeover, int ClosedBeforeKill, DateTimeOffset NextRoundClosedAt)
    {
        /// <summary>Seconds from the kill to the next round's close.</summary>
        public double NextRoundSeconds => (NextRoundClosedAt - Takeover.KilledAt).TotalSeconds;
    }

    /// <summary>What the drill did.</summary>
    /// <param name="RunId">The run's id.</param>
    /// <param name="Kills">Each kill in order.</param>
    /// <param name="Run">The run as the last active coordinator's control API shows it at the end (<c>run</c>, <c>rounds</c>).</param>
    public sealed record Result(string RunId, IReadOnlyList<Kill> Kills, JsonNode Run)
    {
        /// <summary>Seconds between consecutive round closes, the takeovers included (their medians describe a plain round).</summary>
        public IReadOnlyList<double> RoundIntervals()
        {
            var closes = Run["rounds"]?.AsArray().Select(ClosedAt).ToList() ?? [];
            return [.. closes.Zip(closes.Skip(1), (a, b) => (b - a).TotalSeconds)];
        }
    }

    /// <summary>
    /// The run configuration: logistic regression, FedAvg, every party in every round (<c>minResults</c> = all of them, so a
    /// round after a takeover closes only once every party has followed the coordinator), evaluation every round.
    /// </summary>
    public static string Config(Settings settings, int parties)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return string.Create(
            CultureInfo.InvariantCulture,
            $$"""
            {
              "name": "takeover-drill",
              "seed": {{settings.Seed}},
              "rounds": {{settings.Rounds}},
              "model": { "type": "logistic" },
              "training": { "epochs": {{settings.Epochs}}, "batchSize": 16, "learningRate": 0.05 },
              "strategy": { "name": "fedavg" },
              "round": { "deadlineSeconds": 120, "minResults": {{parties}} },
              "evaluation": { "everyRounds": 1 }
            }
            """);
    }

    /// <summary>Starts the run, kills the active coordinator <see cref="Settings.Kills"/> times, and waits for the run to complete.</summary>
    /// <param name="federation">A started federation with at least one standby.</param>
    /// <param name="settings">The run and the kills.</param>
    /// <param name="onKill">Sees each kill's figures as they come, e.g. to print them.</param>
    /// <param name="cancellationToken">Stops the drill.</param>
    /// <exception cref="InvalidOperationException">The run failed or completed before a kill, or a process stopped unexpectedly.</exception>
    /// <exception cref="TimeoutException">A round, a takeover or the run's end did not come in time.</exception>
    public static async Task<Result> RunAsync(FailoverFederation federation, Settings settings, Action<Kill>? onKill, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(federation);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Rounds <= settings.Kills * settings.RoundsBetweenKills)
        {
            throw new ArgumentException($"{settings.Kills} kills {settings.RoundsBetweenKills} rounds apart need more than {settings.Kills * settings.RoundsBetweenKills} rounds.", nameof(settings));
        }

        var runId = await federation.Api.StartRunAsync(Config(settings, federation.Parties.Count), cancellationToken);
        var kills = new List<Kill>();
        var closed = 0;
        for (var k = 0; k < settings.Kills; k++)
        {
            var target = closed + settings.RoundsBetweenKills;
            await federation.WaitForRoundsAsync(runId, r => r.Count >= target, $"round {target} to close", RoundTimeout, cancellationToken, beforeKill: true);
            var takeover = await federation.KillActiveAsync(cancellationToken);

            // A round may still commit between the last poll and the kill; the new coordinator stamps its rounds after it
            // took the lease, so the close times tell who closed what.
            var next = await federation.WaitForRoundsAsync(
                runId, r => r.Any(x => ClosedAt(x) > takeover.LeaseTakenAt), $"the first round after kill {k + 1}", RoundTimeout, cancellationToken);
            var rounds = (await federation.Api.RunAsync(runId, cancellationToken))["rounds"]!.AsArray().Select(ClosedAt).ToList();
            var kill = new Kill(takeover, rounds.Count(t => t < takeover.LeaseTakenAt), rounds.Where(t => t > takeover.LeaseTakenAt).Min());
            kills.Add(kill);
            onKill?.Invoke(kill);
            closed = next;
            await federation.RestartAsync(takeover.Killed, cancellationToken);
        }

        var run = await federation.WaitForCompletionAsync(runId, RoundTimeout, cancellationToken);
        return new Result(runId, kills, run);
    }

    internal static DateTimeOffset ClosedAt(JsonNode? round) => round!["closedAt"]!.GetValue<DateTimeOffset>();
}
