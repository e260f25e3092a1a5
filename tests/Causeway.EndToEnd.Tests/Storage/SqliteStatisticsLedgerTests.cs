using Causeway.Coordinator.Storage;

namespace Causeway.EndToEnd.Tests.Storage;

/// <summary>The ledger on a SQLite file.</summary>
public sealed class SqliteStatisticsLedgerTests : StatisticsLedgerTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "causeway-ledger-" + Guid.NewGuid().ToString("N")[..12]);

    public override Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    protected override async Task<IRunStore> OpenStoreCoreAsync() =>
        await SqliteRunStore.OpenAsync(Path.Combine(_directory, "coordinator.db"), null, None);
}
