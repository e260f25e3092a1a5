using Causeway.Federation;
using Microsoft.Data.Sqlite;

namespace Causeway.Coordinator.Storage;

/// <summary>
/// An <see cref="IRunStore"/> in one SQLite file: WAL journal, <c>synchronous = FULL</c>, foreign keys on,
/// checkpoints as BLOBs. Several readers work alongside one writer; writers queue on the file's write lock.
/// </summary>
/// <remarks>Open it with <see cref="OpenAsync"/>, which creates the file and its schema or migrates them.</remarks>
public sealed class SqliteRunStore : IRunStore
{
    private readonly RelationalRunStore _store;

    private SqliteRunStore(string databasePath, RelationalRunStore store)
    {
        DatabasePath = databasePath;
        _store = store;
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc cref="RelationalRunStore.BeforeCommit"/>
    internal Func<int, CancellationToken, Task>? BeforeCommit
    {
        get => _store.BeforeCommit;
        set => _store.BeforeCommit = value;
    }

    /// <summary>
    /// Opens (creating it and its directory when missing) the database at <paramref name="databasePath"/>, switches it to WAL mode
    /// and brings its schema to the current version.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file could not be put in WAL mode, or its schema is newer than this code.</exception>
    public static async Task<SqliteRunStore> OpenAsync(string databasePath, RunStoreOptions? options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        options ??= new RunStoreOptions();
        options.Validate();

        var fullPath = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        var dialect = new SqliteDialect(connectionString, fullPath);
        var store = new RelationalRunStore(dialect, options);
        try
        {
            await using (var connection = await dialect.OpenConnectionAsync(cancellationToken))
            await using (var command = connection.CreateCommand())
            {
                // WAL is a property of the file: set once, it stays on for every later connection.
                command.CommandText = "PRAGMA journal_mode = WAL;";
                var mode = (string?)await command.ExecuteScalarAsync(cancellationToken);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"SQLite database '{fullPath}' could not be switched to WAL mode (it reports '{mode}').");
                }
            }

            await store.MigrateAsync(cancellationToken);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }

        return new SqliteRunStore(fullPath, store);
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
    /// <remarks>An exclusive <c>flock(2)</c> on <c>DATABASE-lease</c> next to the database (see <see cref="IStoreLease"/>); same host only.</remarks>
    public Task<IStoreLease?> TryAcquireLeaseAsync(string holder, CancellationToken cancellationToken) =>
        _store.TryAcquireLeaseAsync(holder, cancellationToken);

    public Task<string?> GetLeaseHolderAsync(CancellationToken cancellationToken) =>
        _store.GetLeaseHolderAsync(cancellationToken);

    /// <summary>Closes the store's pooled connections, releasing the file.</summary>
    public ValueTask DisposeAsync() => _store.DisposeAsync();
}
