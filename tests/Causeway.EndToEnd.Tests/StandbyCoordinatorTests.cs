using System.Net;
using System.Net.Sockets;
using Causeway.Cli.Composition;
using Causeway.Coordinator.Storage;
using Causeway.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// One active coordinator per store, with a standby, on SQLite, with real processes: a second <c>causeway coordinator</c>
/// on the same database file waits, not listening and writing nothing, while the first runs; when the first is SIGKILLed
/// mid-run, the second takes the store's lease and finishes the run, and the parties (given both addresses) follow it.
/// The same on PostgreSQL: <see cref="PostgresStandbyCoordinatorTests"/>.
/// </summary>
public sealed class StandbyCoordinatorTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SecondCoordinatorOnTheSameSqliteFile_WaitsAndWritesNothing_WhileTheFirstCompletesTheRun()
    {
        await StandbyScenario.RunAsync(output, postgres: null, async (federation, work) =>
        {
            const int Rounds = 5;
            Assert.True(federation.IsStandby(1), "coordinator b did not start as a standby");

            var result = await TakeoverDrill.RunAsync(
                federation, new TakeoverDrill.Settings { Rounds = Rounds, Kills = 0, Epochs = 200 }, null, CancellationToken.None);

            // b never served: it reports itself a standby, its port refuses connections, and the store shows a's run only.
            Assert.Equal(0, federation.Active);
            Assert.True(federation.IsStandby(1), "coordinator b stopped being a standby");
            Assert.False(federation.HasListened(1));
            Assert.False(federation.Processes[1].HasExited);
            var refused = await Assert.ThrowsAsync<SocketException>(async () =>
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, federation.Addresses[1].Port));
            });
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

            await using var store = await SqliteRunStore.OpenAsync(Path.Combine(work, "causeway.db"), null, CancellationToken.None);
            var run = Assert.Single(await store.ListRunsAsync(CancellationToken.None));
            Assert.Equal((result.RunId, RunStatus.Completed, null), (run.RunId, run.Status, run.StatusMessage));
            var rounds = await store.GetRoundsAsync(result.RunId, CancellationToken.None);
            Assert.Equal(Enumerable.Range(1, Rounds), rounds.Select(r => r.Round));
            Assert.All(rounds, r => Assert.Equal(StandbyScenario.Parties, r.Participants));
            Assert.Contains(federation.Addresses[0].Authority, await store.GetLeaseHolderAsync(CancellationToken.None), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task ActiveCoordinatorKilledMidRun_StandbyOnTheSameSqliteFileTakesOver_EveryRoundClosedOnce()
    {
        await StandbyScenario.RunAsync(output, postgres: null, (federation, work) =>
            StandbyScenario.KillActiveMidRun_StandbyCompletesTheRunAsync(
                output, federation, async () => await SqliteRunStore.OpenAsync(Path.Combine(work, "causeway.db"), null, CancellationToken.None)));
    }
}
