using System.Globalization;
using Causeway.Cli.Composition;
using Causeway.Coordinator.Storage;
using Xunit.Abstractions;

namespace Causeway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The standby tests' federation and checks: two <c>causeway coordinator</c> processes on one store and the four UCI heart
/// disease hospitals as <c>causeway party</c> processes given both addresses (<see cref="FailoverFederation"/>).
/// </summary>
internal static class StandbyScenario
{
    public const int Parties = 4;

    /// <summary>
    /// Starts the federation in a fresh folder, runs <paramref name="body"/> on it, and stops it; on failure prints every
    /// process's log tail and keeps the folder.
    /// </summary>
    /// <param name="output">Where the logs of a failure go.</param>
    /// <param name="postgres">The store: a PostgreSQL connection string, or null for a SQLite file in the folder.</param>
    /// <param name="body">The test, given the federation and its folder.</param>
    /// <param name="partyLink">A link the parties sit behind (<see cref="FailoverFederation.Options.PartyLink"/>), or null.</param>
    public static async Task RunAsync(ITestOutputHelper output, string? postgres, Func<FailoverFederation, string, Task> body, FaultyLink? partyLink = null)
    {
        var work = Directory.CreateTempSubdirectory("causeway-standby-").FullName;
        var islands = DemoDatasets.Prepare("heart", DemoDatasets.LocateSamples(), work, seed: 11);
        var options = new FailoverFederation.Options
        {
            WorkDirectory = work,
            Parties = [.. islands.Parties.Select(p => LocalFederation.Party.Horizontal(p, islands.SchemaPath))],
            Postgres = postgres,
            PartyLink = partyLink,
        };
        FailoverFederation? federation = null;
        try
        {
            federation = await FailoverFederation.StartAsync(options, CancellationToken.None);
            await body(federation, work);
        }
        catch
        {
            output.WriteLine($"work folder kept: {work}");
            foreach (var process in federation?.Processes ?? [])
            {
                output.WriteLine($"--- {process.Name} ({process.LogPath}) ---\n{process.Tail(40)}");
            }

            throw;
        }
        finally
        {
            federation?.Dispose();
        }

        Directory.Delete(work, recursive: true);
    }

    /// <summary>
    /// Kills the active coordinator after round 2 of 8 and checks, in the store, that the standby finished the run: rounds
    /// 1..8 each closed once, every round with all four parties (they followed the coordinator without a restart), the
    /// rounds after the kill closed by the standby, one run and it completed.
    /// </summary>
    public static async Task KillActiveMidRun_StandbyCompletesTheRunAsync(
        ITestOutputHelper output, FailoverFederation federation, Func<Task<IRunStore>> openStore)
    {
        const int Rounds = 8;
        Assert.True(federation.IsStandby(1), "coordinator b did not start as a standby");
        var partyIds = federation.Parties.Select(p => p.Name).ToList();

        var result = await TakeoverDrill.RunAsync(federation, new TakeoverDrill.Settings { Rounds = Rounds, Kills = 1 }, null, CancellationToken.None);

        var kill = Assert.Single(result.Kills);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"killed coordinator a after {kill.ClosedBeforeKill} rounds; b took the lease after {kill.Takeover.LeaseSeconds:F3} s, served after {kill.Takeover.ServingSeconds:F3} s, closed the next round after {kill.NextRoundSeconds:F3} s"));
        Assert.Equal((0, 1), (kill.Takeover.Killed, kill.Takeover.NewActive));
        Assert.Equal(1, federation.Active);

        await using var store = await openStore();
        var run = Assert.Single(await store.ListRunsAsync(CancellationToken.None));
        Assert.Equal((result.RunId, RunStatus.Completed, null), (run.RunId, run.Status, run.StatusMessage));
        var rounds = await store.GetRoundsAsync(result.RunId, CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, Rounds), rounds.Select(r => r.Round));

        // Closed in order: rounds 1..k by a before it was killed, then k+1.. by b once it held the lease; none in between.
        Assert.Equal(rounds.Select(r => r.ClosedAt).Order(), rounds.Select(r => r.ClosedAt));
        var byA = rounds.Count(r => r.ClosedAt < kill.Takeover.KilledAt);
        Assert.Equal(kill.ClosedBeforeKill, byA);
        Assert.InRange(byA, 2, Rounds - 1);
        Assert.All(rounds.Skip(byA), r => Assert.True(r.ClosedAt > kill.Takeover.LeaseTakenAt, $"round {r.Round} closed before b took the lease"));

        // Every round, before and after the kill, with the four parties' updates: they followed b by themselves.
        Assert.All(rounds, r =>
        {
            Assert.True(r.Succeeded, $"round {r.Round} failed: {r.Problem}");
            Assert.Equal(Parties, r.Participants);
            Assert.Equal(partyIds.Order(), r.Parties.Where(p => p.Outcome == PartyOutcome.Accepted).Select(p => p.Party.Value).Order());
        });

        // The same party processes throughout; the killed coordinator, started again, waits as the new standby.
        Assert.All(federation.Parties, p => Assert.False(p.HasExited, $"{p.Name} exited"));
        Assert.True(federation.IsStandby(0), "the restarted coordinator a did not wait as a standby");
        Assert.Contains(federation.Addresses[1].Authority, await store.GetLeaseHolderAsync(CancellationToken.None), StringComparison.Ordinal);
    }
}
