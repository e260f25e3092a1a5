using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Causeway.Core.Tensors;
using Causeway.Federation;

namespace Causeway.Coordinator.Storage;

/// <summary>
/// The <see cref="IRunStore"/> logic shared by SQLite and PostgreSQL: the same SQL (named parameters only,
/// never concatenated values), the same validation (<see cref="RunStoreRules"/>, shared with
/// <see cref="InMemoryRunStore"/>) and the same error mapping; <see cref="StoreDialect"/> supplies the rest.
/// </summary>
internal sealed partial class RelationalRunStore(StoreDialect dialect, RunStoreOptions options) : IRunStore
{
    private const string RunColumns = "run_id, name, config_json, status, status_message, created_at, updated_at, setup_json, reference_json";

    // The lease this instance took, if any: from then on its writes of run state are fenced by it.
    private volatile StoreLease? _lease;

    /// <summary>The schema version this code reads and writes.</summary>
    public int SchemaVersion => dialect.Migrations.Count;

    /// <summary>
    /// Test seam: runs inside <see cref="CloseRoundAsync"/> after every row is written and before the commit,
    /// with the round number. Lets a test hold a round's transaction open, or kill the process at that point.
    /// </summary>
    internal Func<int, CancellationToken, Task>? BeforeCommit { get; set; }

    public async Task<IStoreLease?> TryAcquireLeaseAsync(string holder, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(holder);
        var lease = await dialect.TryAcquireLeaseAsync(holder, options.LeaseCheckInterval, cancellationToken);
        if (lease is not null)
        {
            _lease = lease;
        }

        return lease;
    }

    public Task<string?> GetLeaseHolderAsync(CancellationToken cancellationToken) => dialect.GetLeaseHolderAsync(cancellationToken);

    /// <summary>
    /// Inside a write transaction, after its changes and before its commit: throws <see cref="StoreLeaseLostException"/>
    /// (the caller's <c>await using</c> rolls the transaction back) when this instance took a lease that is no longer held.
    /// </summary>
    private Task FenceAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        _lease is { } lease ? lease.FenceAsync(connection, transaction, cancellationToken) : Task.CompletedTask;

    /// <summary>Creates the schema, or migrates it to <see cref="SchemaVersion"/>, in one transaction.</summary>
    /// <remarks>
    /// An up-to-date schema is only read, so a store can open while another holds a write transaction
    /// (on SQLite a migration needs the file's write lock).
    /// </remarks>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using (var read = await dialect.BeginReadTransactionAsync(connection, cancellationToken))
        {
            var version = await ReadSchemaVersionAsync(connection, read, cancellationToken);
            await read.CommitAsync(cancellationToken);
            if (version == SchemaVersion)
            {
                return;
            }
        }

        await using var transaction = await dialect.BeginWriteTransactionAsync(connection, cancellationToken);
        await dialect.LockForMigrationAsync(connection, transaction, cancellationToken);
        await ExecuteAsync(connection, transaction, dialect.CreateSchemaVersionTable, cancellationToken);
        var current = await ReadSchemaVersionAsync(connection, transaction, cancellationToken) ?? 0;
        for (var version = current + 1; version <= SchemaVersion; version++)
        {
            await ExecuteAsync(connection, transaction, dialect.Migrations[version - 1], cancellationToken);
            await using var record = Command(
                connection, transaction, $"INSERT INTO schema_version (version, applied_at) VALUES (@version, {dialect.NowExpression})");
            Add(record, "version", version);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Returns the schema version, null when there is no schema_version table; throws when it is newer than this code.</summary>
    private async Task<int?> ReadSchemaVersionAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using (var exists = Command(connection, transaction, dialect.SchemaVersionTableExists))
        {
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 0)
            {
                return null;
            }
        }

        await using var command = Command(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
        var version = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
        {
            throw new InvalidOperationException(
                $"The {dialect.Name} database is at schema version {version}, newer than this coordinator's {SchemaVersion}; upgrade the coordinator.");
        }

        return version;
    }

    public async Task<RunRecord> CreateRunAsync(string runId, string name, string configJson, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configJson);
        RunStoreRules.RequireJson(configJson, "run configuration");

        var record = new RunRecord
        {
            RunId = runId,
            Name = name,
            ConfigJson = configJson,
            Status = RunStatus.Pending,
            CreatedAt = RunStoreRules.Truncate(createdAt),
            UpdatedAt = RunStoreRules.Truncate(createdAt),
        };

        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = Command(
            connection,
            null,
            $"INSERT INTO runs ({RunColumns}) VALUES (@run_id, @name, @config_json, @status, NULL, @created_at, @created_at, NULL, NULL)");
        Add(command, "run_id", runId);
        Add(command, "name", name);
        Add(command, "config_json", configJson);
        Add(command, "status", RunStoreRules.ToText(RunStatus.Pending));
        Add(command, "created_at", dialect.ToTimestamp(record.CreatedAt));
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (DbException e) when (dialect.IsUniqueViolation(e))
        {
            throw RunAlreadyExistsException.For(runId, e);
        }

        return record;
    }

    public async Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        return await GetRunAsync(connection, null, runId, cancellationToken);
    }

    public async Task<IReadOnlyList<RunRecord>> ListRunsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, $"SELECT {RunColumns} FROM runs ORDER BY created_at, run_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var runs = new List<RunRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(ReadRun(reader));
        }

        return runs;
    }

    public async Task<RunRecord> SetRunStatusAsync(string runId, RunStatus status, string? message, DateTimeOffset changedAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        RunStoreRules.RequireDefined(status);

        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteTransactionAsync(connection, cancellationToken);
        var current = await GetRunAsync(connection, transaction, runId, cancellationToken, forUpdate: true)
            ?? throw new RunNotFoundException(runId);
        if (!RunStatusTransitions.IsAllowed(current.Status, status))
        {
            throw RunStoreRules.TransitionRefused(runId, current.Status, status);
        }

        var updated = current with { Status = status, StatusMessage = message, UpdatedAt = RunStoreRules.Truncate(changedAt) };
        await using (var command = Command(
            connection,
            transaction,
            "UPDATE runs SET status = @status, status_message = @message, updated_at = @updated_at WHERE run_id = @run_id"))
        {
            Add(command, "status", RunStoreRules.ToText(status));
            Add(command, "message", message);
            Add(command, "updated_at", dialect.ToTimestamp(updated.UpdatedAt));
            Add(command, "run_id", runId);
            var rows = await command.ExecuteNonQueryAsync(cancellationToken);
            Debug.Assert(rows == 1, "The run was read under the write lock.");
        }

        await FenceAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return updated;
    }

    public async Task SaveRunSetupAsync(string runId, string setupJson, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(setupJson);
        RunStoreRules.RequireJson(setupJson, "run setup");

        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteTransactionAsync(connection, cancellationToken);
        var current = await GetRunAsync(connection, transaction, runId, cancellationToken, forUpdate: true)
            ?? throw new RunNotFoundException(runId);
        if (current.SetupJson is not null)
        {
            throw new InvalidOperationException($"Run '{runId}' already has its setup; a run's setup never changes.");
        }

        await using (var command = Command(connection, transaction, "UPDATE runs SET setup_json = @setup_json WHERE run_id = @run_id"))
        {
            Add(command, "setup_json", setupJson);
            Add(command, "run_id", runId);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await FenceAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task SaveRunReferenceAsync(string runId, string referenceJson, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(referenceJson);
        RunStoreRules.RequireJson(referenceJson, "run reference");

        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteTransactionAsync(connection, cancellationToken);
        await using (var command = Command(connection, transaction, "UPDATE runs SET reference_json = @reference_json WHERE run_id = @run_id"))
        {
            Add(command, "reference_json", referenceJson);
            Add(command, "run_id", runId);
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                throw new RunNotFoundException(runId);
            }
        }

        await FenceAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => dialect.DisposeAsync();

    private async Task<RunRecord?> GetRunAsync(
        DbConnection connection, DbTransaction? transaction, string runId, CancellationToken cancellationToken, bool forUpdate = false)
    {
        // SQLite has no FOR UPDATE; its BEGIN IMMEDIATE already holds the database's write lock.
        var lockClause = forUpdate && dialect is PostgresDialect ? " FOR UPDATE" : string.Empty;
        await using var command = Command(connection, transaction, $"SELECT {RunColumns} FROM runs WHERE run_id = @run_id{lockClause}");
        Add(command, "run_id", runId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRun(reader) : null;
    }

    private RunRecord ReadRun(DbDataReader reader) => new()
    {
        RunId = reader.GetString(0),
        Name = reader.GetString(1),
        ConfigJson = reader.GetString(2),
        Status = ParseRunStatus(reader.GetString(3)),
        StatusMessage = reader.IsDBNull(4) ? null : reader.GetString(4),
        CreatedAt = dialect.ReadTimestamp(reader, 5),
        UpdatedAt = dialect.ReadTimestamp(reader, 6),
        SetupJson = reader.IsDBNull(7) ? null : reader.GetString(7),
        ReferenceJson = reader.IsDBNull(8) ? null : reader.GetString(8),
    };

    private static double? NullableDouble(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    private static RunStatus ParseRunStatus(string text) => text switch
    {
        "pending" => RunStatus.Pending,
        "running" => RunStatus.Running,
        "completed" => RunStatus.Completed,
        "failed" => RunStatus.Failed,
        "stopped" => RunStatus.Stopped,
        _ => throw new InvalidDataException($"Unknown run status '{text}' in the store."),
    };

    private static string ToText(PartyOutcome outcome) => outcome switch
    {
        PartyOutcome.Accepted => "accepted",
        PartyOutcome.Straggler => "straggler",
        PartyOutcome.Dropout => "dropout",
        PartyOutcome.Rejected => "rejected",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    private static PartyOutcome ParsePartyOutcome(string text) => text switch
    {
        "accepted" => PartyOutcome.Accepted,
        "straggler" => PartyOutcome.Straggler,
        "dropout" => PartyOutcome.Dropout,
        "rejected" => PartyOutcome.Rejected,
        _ => throw new InvalidDataException($"Unknown party outcome '{text}' in the store."),
    };

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
