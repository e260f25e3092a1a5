using Causeway.Coordinator.Storage;

namespace Causeway.EndToEnd.Tests.Storage;

/// <summary>The ledger on the private PostgreSQL server (a fresh database per test); skipped without its binaries.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStatisticsLedgerTests(PostgresServerFixture server) : StatisticsLedgerTests, IRequiresPostgres
{
    private string? _connectionString;

    public override async Task InitializeAsync()
    {
        if (PostgresBinaries.SkipReason is null)
        {
            _connectionString = await server.CreateDatabaseAsync();
        }
    }

    protected override async Task<IRunStore> OpenStoreCoreAsync() =>
        await PostgresRunStore.OpenAsync(_connectionString ?? throw new InvalidOperationException("No database was created."), null, None);
}
