using System.Diagnostics;
using Causeway.Coordinator.Storage;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.EndToEnd.Tests.Storage;
using Npgsql;
using Xunit.Abstractions;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// <see cref="StandbyCoordinatorTests"/> on PostgreSQL, the store a standby on another host would share: two
/// <c>causeway coordinator --postgres</c> processes on one database, the active one SIGKILLed mid-run.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStandbyCoordinatorTests(PostgresServerFixture server, ITestOutputHelper output)
{
    [PostgresFact]
    public async Task ActiveCoordinatorKilledMidRun_StandbyOnTheSameDatabaseTakesOver_EveryRoundClosedOnce()
    {
        var database = await server.CreateDatabaseAsync();

        await StandbyScenario.RunAsync(output, database, (federation, _) =>
            StandbyScenario.KillActiveMidRun_StandbyCompletesTheRunAsync(
                output, federation, async () => await PostgresRunStore.OpenAsync(database, null, CancellationToken.None)));
    }

    [PostgresFact]
    public async Task ActiveCoordinatorLosesItsLeaseSession_StopsWithExitCode1_AndTheStandbyTakesOver()
    {
        var database = await server.CreateDatabaseAsync();

        await StandbyScenario.RunAsync(output, database, async (federation, _) =>
        {
            // The lease's session ends under a live coordinator, as when its network to the database is cut.
            await using (var connection = new NpgsqlConnection(database))
            {
                await connection.OpenAsync();
                await using var terminate = new NpgsqlCommand(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    + "AND classid = 4421452 AND objid = 1700885349 AND objsubid = 1",
                    connection);
                Assert.Equal(true, await terminate.ExecuteScalarAsync());
            }

            var active = federation.Processes[0];
            await WaitUntilAsync(() => active.HasExited);
            await WaitUntilAsync(() => federation.HasListened(1));

            Assert.Equal(1, active.ExitCode);
            Assert.Contains("coordinator: lost the store's lease", active.Tail(), StringComparison.Ordinal);
            Assert.Contains(federation.Addresses[1].Authority, await ReadHolderAsync(database), StringComparison.Ordinal);
        });
    }

    private static async Task<string?> ReadHolderAsync(string database)
    {
        await using var store = await PostgresRunStore.OpenAsync(database, null, CancellationToken.None);
        return await store.GetLeaseHolderAsync(CancellationToken.None);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "Timed out after 60 s.");
            await Task.Delay(50);
        }
    }
}
