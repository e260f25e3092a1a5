using Causeway.Coordinator.Storage;
using Npgsql;
using static Causeway.EndToEnd.Tests.Storage.StorageTestData;

namespace Causeway.EndToEnd.Tests.Storage;

/// <summary>
/// The shared store suite against the private PostgreSQL server (a fresh database per test), plus a real
/// client-process kill. Skipped, with the reason, when the PostgreSQL binaries are not installed.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresRunStoreTests(PostgresServerFixture server) : RelationalRunStoreConformanceTests, IRequiresPostgres
{
    private string? _connectionString;

    private string ConnectionString => _connectionString ?? throw new InvalidOperationException("No database was created.");

    public override async Task InitializeAsync()
    {
        if (PostgresBinaries.SkipReason is null)
        {
            _connectionString = await server.CreateDatabaseAsync();
        }
    }

    protected override async Task<IRunStore> OpenStoreCoreAsync(RunStoreOptions? options) =>
        await PostgresRunStore.OpenAsync(ConnectionString, options, None);

    protected override void SetBeforeCommit(IRunStore store, Func<int, CancellationToken, Task>? hook) =>
        ((PostgresRunStore)store).BeforeCommit = hook;

    protected override async Task KillLeaseHolderAsync(IStoreLease lease) =>
        Assert.Equal(true, await ScalarAsync($"SELECT pg_terminate_backend({((PostgresStoreLease)lease).ProcessId})"));

    protected override (string Provider, string Target) CrashChildDatabase => ("postgres", ConnectionString);

    protected override async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    [PostgresFact]
    public async Task OpenWithDataSource_StoreDisposed_DataSourceStaysUsable()
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);

        await using (var store = await PostgresRunStore.OpenAsync(dataSource, null, None))
        {
            await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        }

        await using var command = dataSource.CreateCommand("SELECT name FROM runs WHERE run_id = 'run-1'");
        Assert.Equal("r", await command.ExecuteScalarAsync());
    }

    [PostgresFact]
    public async Task ChildProcessKilledBeforeCommit_Reopen_ResumesFromRound3WithoutRound4()
    {
        await CrashChildProcess.RunUntilKilledAsync("postgres", ConnectionString);

        var store = await OpenStoreAsync();
        var resumed = await store.LoadLatestCheckpointAsync(CrashChild.RunId, None);
        Assert.Equal(3, resumed!.LastClosedRound);
        AssertBitExact(Parameters(3), resumed.Global);
        AssertBitExact(Parameters(1003), resumed.OptimizerState!);
        Assert.Equal([1, 2, 3], (await store.GetRoundsAsync(CrashChild.RunId, None)).Select(r => r.Round));
        Assert.Null(await store.LoadCheckpointAsync(CrashChild.RunId, 4, None));

        // Waits, if need be, for the server to notice the dead client and abort its transaction.
        await store.CloseRoundAsync(CrashChild.Round4, CheckpointFor(4), None);
        Assert.Equal(4, (await store.LoadLatestCheckpointAsync(CrashChild.RunId, None))!.LastClosedRound);
    }
}
