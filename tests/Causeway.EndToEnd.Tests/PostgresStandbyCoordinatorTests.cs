using Causeway.Coordinator.Storage;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.EndToEnd.Tests.Storage;
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
}
