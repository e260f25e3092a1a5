using Causeway.Federation;
using Npgsql;

namespace Causeway.Coordinator.Storage;

/// <summary>
/// An <see cref="IRunStore"/> in a PostgreSQL database, with the same schema and semantics as
/// <see cref="SqliteRunStore"/> (bytea checkpoints, timestamptz times). Several coordinators may share a database.
/// </summary>
public sealed class PostgresRunStore : IRunStore
{
    private readonly RelationalRunStore _store;

    private PostgresRunStore(RelationalRunStore store)
    {
        _store = store;
    }

    /// <inheritdoc cref="RelationalRunStore.BeforeCommit"/>
    internal Func<int, CancellationToken, Task>? BeforeCommit
    {
        get => _store.BeforeCommit;
        set => _store.BeforeCommit = value;
    }

    /// <summary>
    /// Connects with an Npgsql connection string (e.g. <c>Host=db;Database=causeway;Username=causeway;Password=...</c>)
    /// and brings the schema to the current version. The store owns the data source it creates.
    /// </summary>
    public static Task<PostgresRunStore> OpenAsync(string connectionString, RunStoreOptions? options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return OpenAsync(NpgsqlDataSource.Create(connectionString), ownsDataSource: true, options, cancellationToken);
    }

    /// <summary>Uses <paramref name="dataSource"/>, which stays the caller's to dispose, and brings the schema to the current version.</summary>
    public static Task<PostgresRunStore> OpenAsync(NpgsqlDataSource dataSource, RunStoreOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        return OpenAsync(dataSource, ownsDataSource: false, options, cancellationToken);
    }

    private static async Task<PostgresRunStore> OpenAsync(
        NpgsqlDataSource dataSource, bool ownsDataSource, RunStoreOptions? options, CancellationToken cancellationToken)
    {
        options ??= new RunStoreOptions();
        options.Validate();
        var store = new RelationalRunStore(new PostgresDialect(dataSource, ownsDataSource), options);
        try
        {
            await store.MigrateAsync(cancellationToken);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }

        return new PostgresRunStore(store);
    }

    public Task<RunRecord> CreateRunAsync(string runId, string name, string configJson, DateTimeOffset createdAt, CancellationToken cancellationToken) =>
        _store.CreateRunAsync(runId, name, configJson, createdAt, cancellationToken);

    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        _store.GetRunAsync(runId, cancellationToken);

    public Task SaveRunSetupAsync(string runId, string setupJson, CancellationToken cancellationToken) =>
        _store.SaveRunSetupAsync(runId, setupJson, cancellationToken);

    public Task SaveRunReferenceAsync(string runId, string referenceJson, CancellationToken cancellationToken) =>
        _store.SaveRunReferenceAsync(runId, referenceJson, cancellationToken);

    public Task<IReadOnlyList<RunRecord>> ListRunsAsync(CancellationToken cancellationToken) =>
        _store.ListRunsAsync(cancellationToken);

    public Task<RunRecord> SetRunStatusAsync(string runId, RunStatus status, string? message, DateTimeOffset changedAt, CancellationToken cancellationToken) =>
        _store.SetRunStatusAsync(runId, status, message, changedAt, cancellationToken);

    public Task CloseRoundAsync(RoundRecord round, Checkpoint checkpoint, CancellationToken cancellationToken) =>
        _store.CloseRoundAsync(round, checkpoint, cancellationToken);

    public Task<IReadOnlyList<RoundRecord>> GetRoundsAsync(string runId, CancellationToken cancellationToken) =>
        _store.GetRoundsAsync(runId, cancellationToken);

    public Task<StoredCheckpoint?> LoadLatestCheckpointAsync(string runId, CancellationToken cancellationToken) =>
        _store.LoadLatestCheckpointAsync(runId, cancellationToken);

    public Task<StoredCheckpoint?> LoadCheckpointAsync(string runId, int round, CancellationToken cancellationToken) =>
        _store.LoadCheckpointAsync(runId, round, cancellationToken);

    public Task<StatisticsBudgetCharge> ChargeStatisticsReleaseAsync(
        string runId, StatisticsReleaseCost release, double epsilonLimit, double deltaLimit, CancellationToken cancellationToken) =>
        _store.ChargeStatisticsReleaseAsync(runId, release, epsilonLimit, deltaLimit, cancellationToken);

    public Task<StatisticsBudgetSpent> GetStatisticsSpentAsync(string runId, CancellationToken cancellationToken) =>
        _store.GetStatisticsSpentAsync(runId, cancellationToken);

    public Task<PartyRecord> UpsertPartyAsync(string federation, PartyId party, string tokenHash, DateTimeOffset lastSeen, CancellationToken cancellationToken) =>
        _store.UpsertPartyAsync(federation, party, tokenHash, lastSeen, cancellationToken);

    public Task<PartyRecord?> GetPartyAsync(string federation, PartyId party, CancellationToken cancellationToken) =>
        _store.GetPartyAsync(federation, party, cancellationToken);

    public Task<IReadOnlyList<PartyRecord>> ListPartiesAsync(string federation, CancellationToken cancellationToken) =>
        _store.ListPartiesAsync(federation, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>A session advisory lock on a connection kept for the lease (see <see cref="IStoreLease"/>).</remarks>
    public Task<IStoreLease?> TryAcquireLeaseAsync(string holder, CancellationToken cancellationToken) =>
        _store.TryAcquireLeaseAsync(holder, cancellationToken);

    public Task<string?> GetLeaseHolderAsync(CancellationToken cancellationToken) =>
        _store.GetLeaseHolderAsync(cancellationToken);

    /// <summary>Disposes the data source when the store created it.</summary>
    public ValueTask DisposeAsync() => _store.DisposeAsync();
}
