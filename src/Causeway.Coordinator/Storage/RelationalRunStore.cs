using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Causeway.Core.Tensors;
using Causeway.Federation;

namespace Causeway.Coordinator.Storage;

/// <summary>
/// The <see cref="IRunStore"/> logic shared by SQLite and PostgreSQL: the same SQL (named parameters only,
/// never concatenated values), the same validation and the same error mapping; <see cref="StoreDialect"/>
/// supplies the rest.
/// </summary>
internal sealed class RelationalRunStore(StoreDialect dialect, RunStoreOptions options) : IRunStore, IAsyncDisposable
{
    private const string RunColumns = "run_id, name, config_json, status, status_message, created_at, updated_at";

    /// <summary>The schema version this code reads and writes.</summary>
    public int SchemaVersion => dialect.Migrations.Count;

    /// <summary>
    /// Test seam: runs inside <see cref="CloseRoundAsync"/> after every row is written and before the commit,
    /// with the round number. Lets a test hold a round's transaction open, or kill the process at that point.
    /// </summary>
    internal Func<int, CancellationToken, Task>? BeforeCommit { get; set; }

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
        RequireJson(configJson);

        var record = new RunRecord
        {
            RunId = runId,
            Name = name,
            ConfigJson = configJson,
            Status = RunStatus.Pending,
            CreatedAt = Truncate(createdAt),
            UpdatedAt = Truncate(createdAt),
        };

        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = Command(
            connection,
            null,
            $"INSERT INTO runs ({RunColumns}) VALUES (@run_id, @name, @config_json, @status, NULL, @created_at, @created_at)");
        Add(command, "run_id", runId);
        Add(command, "name", name);
        Add(command, "config_json", configJson);
        Add(command, "status", ToText(RunStatus.Pending));
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
        if (!Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown run status.");
        }

        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteTransactionAsync(connection, cancellationToken);
        var current = await GetRunAsync(connection, transaction, runId, cancellationToken, forUpdate: true)
            ?? throw new RunNotFoundException(runId);
        if (!RunStatusTransitions.IsAllowed(current.Status, status))
        {
            throw new InvalidOperationException(
                $"Run '{runId}' cannot move from {ToText(current.Status)} to {ToText(status)}.");
        }

        var updated = current with { Status = status, StatusMessage = message, UpdatedAt = Truncate(changedAt) };
        await using (var command = Command(
            connection,
            transaction,
            "UPDATE runs SET status = @status, status_message = @message, updated_at = @updated_at WHERE run_id = @run_id"))
        {
            Add(command, "status", ToText(status));
            Add(command, "message", message);
            Add(command, "updated_at", dialect.ToTimestamp(updated.UpdatedAt));
            Add(command, "run_id", runId);
            var rows = await command.ExecuteNonQueryAsync(cancellationToken);
            Debug.Assert(rows == 1, "The run was read under the write lock.");
        }

        await transaction.CommitAsync(cancellationToken);
        return updated;
    }

    public async Task CloseRoundAsync(RoundRecord round, Checkpoint checkpoint, CancellationToken cancellationToken)
    {
        Validate(round);
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(checkpoint.Global);

        // Encode before taking the write lock: it is CPU work that needs no database.
        var global = SafetensorsCodec.Encode(checkpoint.Global);
        var optimizerState = checkpoint.OptimizerState is null ? null : SafetensorsCodec.Encode(checkpoint.OptimizerState);

        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteTransactionAsync(connection, cancellationToken);

        // No upsert anywhere here: the primary key on (run_id, round) is what turns a second close into an error.
        await using (var insertRound = Command(
            connection,
            transaction,
            """
            INSERT INTO rounds (run_id, round, selected, participants, failures, succeeded, train_loss, eval_loss, accuracy, bytes, seconds, closed_at)
            VALUES (@run_id, @round, @selected, @participants, @failures, @succeeded, @train_loss, @eval_loss, @accuracy, @bytes, @seconds, @closed_at)
            """))
        {
            Add(insertRound, "run_id", round.RunId);
            Add(insertRound, "round", round.Round);
            Add(insertRound, "selected", round.Selected);
            Add(insertRound, "participants", round.Participants);
            Add(insertRound, "failures", round.Failures);
            Add(insertRound, "succeeded", round.Succeeded);
            Add(insertRound, "train_loss", NaNAsNull(round.TrainLoss));
            Add(insertRound, "eval_loss", NaNAsNull(round.EvaluationLoss));
            Add(insertRound, "accuracy", NaNAsNull(round.Accuracy));
            Add(insertRound, "bytes", round.Bytes);
            Add(insertRound, "seconds", round.Seconds);
            Add(insertRound, "closed_at", dialect.ToTimestamp(Truncate(round.ClosedAt)));
            try
            {
                await insertRound.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (DbException e) when (dialect.IsUniqueViolation(e))
            {
                throw new RoundAlreadyClosedException(round.RunId, round.Round, e);
            }
            catch (DbException e) when (dialect.IsForeignKeyViolation(e))
            {
                throw RunNotFoundException.For(round.RunId, e);
            }
        }

        await using (var insertParty = Command(
            connection,
            transaction,
            """
            INSERT INTO party_rounds (run_id, round, position, party_id, outcome, reason, examples, train_loss, bytes)
            VALUES (@run_id, @round, @position, @party_id, @outcome, @reason, @examples, @train_loss, @bytes)
            """))
        {
            for (var i = 0; i < round.Parties.Count; i++)
            {
                var party = round.Parties[i];
                insertParty.Parameters.Clear();
                Add(insertParty, "run_id", round.RunId);
                Add(insertParty, "round", round.Round);
                Add(insertParty, "position", i);
                Add(insertParty, "party_id", party.Party.Value);
                Add(insertParty, "outcome", ToText(party.Outcome));
                Add(insertParty, "reason", party.Reason);
                Add(insertParty, "examples", party.Examples);
                Add(insertParty, "train_loss", NaNAsNull(party.TrainLoss));
                Add(insertParty, "bytes", party.Bytes);
                await insertParty.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await using (var insertCheckpoint = Command(
            connection,
            transaction,
            "INSERT INTO checkpoints (run_id, round, global_parameters, optimizer_state) VALUES (@run_id, @round, @global, @optimizer_state)"))
        {
            Add(insertCheckpoint, "run_id", round.RunId);
            Add(insertCheckpoint, "round", round.Round);
            Add(insertCheckpoint, "global", global);
            Add(insertCheckpoint, "optimizer_state", optimizerState);
            await insertCheckpoint.ExecuteNonQueryAsync(cancellationToken);
        }

        if (options.CheckpointsToKeep is { } keep)
        {
            // Keep the newest `keep` checkpoints by round number, whatever order rounds were closed in.
            await using var prune = Command(
                connection,
                transaction,
                """
                DELETE FROM checkpoints WHERE run_id = @run_id AND round NOT IN (
                    SELECT round FROM checkpoints WHERE run_id = @run_id ORDER BY round DESC LIMIT @keep)
                """);
            Add(prune, "run_id", round.RunId);
            Add(prune, "keep", keep);
            await prune.ExecuteNonQueryAsync(cancellationToken);
        }

        if (BeforeCommit is { } beforeCommit)
        {
            await beforeCommit(round.Round, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<RoundRecord>> GetRoundsAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);

        // One read transaction so the rounds and their party rows come from the same snapshot.
        await using var transaction = await dialect.BeginReadTransactionAsync(connection, cancellationToken);
        var partiesByRound = new Dictionary<int, List<PartyRoundRecord>>();
        await using (var command = Command(
            connection,
            transaction,
            """
            SELECT round, party_id, outcome, reason, examples, train_loss, bytes
            FROM party_rounds WHERE run_id = @run_id ORDER BY round, position
            """))
        {
            Add(command, "run_id", runId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var number = reader.GetInt32(0);
                if (!partiesByRound.TryGetValue(number, out var parties))
                {
                    parties = [];
                    partiesByRound.Add(number, parties);
                }

                parties.Add(new PartyRoundRecord(
                    new PartyId(reader.GetString(1)),
                    ParsePartyOutcome(reader.GetString(2)),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.GetInt32(4),
                    NullableDouble(reader, 5),
                    reader.GetInt64(6)));
            }
        }

        var rounds = new List<RoundRecord>();
        await using (var command = Command(
            connection,
            transaction,
            """
            SELECT round, selected, participants, failures, succeeded, train_loss, eval_loss, accuracy, bytes, seconds, closed_at
            FROM rounds WHERE run_id = @run_id ORDER BY round
            """))
        {
            Add(command, "run_id", runId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var number = reader.GetInt32(0);
                rounds.Add(new RoundRecord
                {
                    RunId = runId,
                    Round = number,
                    Selected = reader.GetInt32(1),
                    Participants = reader.GetInt32(2),
                    Failures = reader.GetInt32(3),
                    Succeeded = reader.GetBoolean(4),
                    TrainLoss = NullableDouble(reader, 5),
                    EvaluationLoss = NullableDouble(reader, 6),
                    Accuracy = NullableDouble(reader, 7),
                    Bytes = reader.GetInt64(8),
                    Seconds = reader.GetDouble(9),
                    ClosedAt = dialect.ReadTimestamp(reader, 10),
                    Parties = partiesByRound.TryGetValue(number, out var parties) ? parties : [],
                });
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return rounds;
    }

    public Task<StoredCheckpoint?> LoadLatestCheckpointAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        return ReadCheckpointAsync(
            runId,
            "SELECT round, global_parameters, optimizer_state FROM checkpoints WHERE run_id = @run_id ORDER BY round DESC LIMIT 1",
            round: null,
            cancellationToken);
    }

    public Task<StoredCheckpoint?> LoadCheckpointAsync(string runId, int round, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(round);
        return ReadCheckpointAsync(
            runId,
            "SELECT round, global_parameters, optimizer_state FROM checkpoints WHERE run_id = @run_id AND round = @round",
            round,
            cancellationToken);
    }

    public async Task<PartyRecord> UpsertPartyAsync(string federation, PartyId party, string tokenHash, DateTimeOffset lastSeen, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(federation);
        ArgumentException.ThrowIfNullOrWhiteSpace(party.Value, nameof(party));
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenHash);

        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = Command(
            connection,
            null,
            """
            INSERT INTO parties (federation, party_id, token_hash, registered_at, last_seen)
            VALUES (@federation, @party_id, @token_hash, @last_seen, @last_seen)
            ON CONFLICT (federation, party_id) DO UPDATE SET token_hash = excluded.token_hash, last_seen = excluded.last_seen
            RETURNING federation, party_id, token_hash, registered_at, last_seen
            """);
        Add(command, "federation", federation);
        Add(command, "party_id", party.Value);
        Add(command, "token_hash", tokenHash);
        Add(command, "last_seen", dialect.ToTimestamp(Truncate(lastSeen)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var read = await reader.ReadAsync(cancellationToken);
        Debug.Assert(read, "RETURNING yields the upserted row.");
        return ReadParty(reader);
    }

    public async Task<PartyRecord?> GetPartyAsync(string federation, PartyId party, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(federation);
        ArgumentException.ThrowIfNullOrWhiteSpace(party.Value, nameof(party));
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = Command(
            connection,
            null,
            "SELECT federation, party_id, token_hash, registered_at, last_seen FROM parties WHERE federation = @federation AND party_id = @party_id");
        Add(command, "federation", federation);
        Add(command, "party_id", party.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadParty(reader) : null;
    }

    public async Task<IReadOnlyList<PartyRecord>> ListPartiesAsync(string federation, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(federation);
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = Command(
            connection,
            null,
            "SELECT federation, party_id, token_hash, registered_at, last_seen FROM parties WHERE federation = @federation ORDER BY party_id");
        Add(command, "federation", federation);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var parties = new List<PartyRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            parties.Add(ReadParty(reader));
        }

        return parties;
    }

    public ValueTask DisposeAsync() => dialect.DisposeAsync();

    private async Task<StoredCheckpoint?> ReadCheckpointAsync(string runId, string sql, int? round, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, sql);
        Add(command, "run_id", runId);
        if (round is { } number)
        {
            Add(command, "round", number);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var closedRound = reader.GetInt32(0);
        var global = SafetensorsCodec.Decode(reader.GetFieldValue<byte[]>(1));
        var optimizerState = reader.IsDBNull(2) ? null : SafetensorsCodec.Decode(reader.GetFieldValue<byte[]>(2));
        return new StoredCheckpoint(runId, closedRound, global, optimizerState);
    }

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
    };

    private PartyRecord ReadParty(DbDataReader reader) => new(
        reader.GetString(0),
        new PartyId(reader.GetString(1)),
        reader.GetString(2),
        dialect.ReadTimestamp(reader, 3),
        dialect.ReadTimestamp(reader, 4));

    private static void Validate(RoundRecord round)
    {
        ArgumentNullException.ThrowIfNull(round);
        ArgumentException.ThrowIfNullOrWhiteSpace(round.RunId, nameof(round));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(round.Round, nameof(round));
        ArgumentOutOfRangeException.ThrowIfNegative(round.Selected, nameof(round));
        ArgumentOutOfRangeException.ThrowIfNegative(round.Participants, nameof(round));
        ArgumentOutOfRangeException.ThrowIfNegative(round.Failures, nameof(round));
        ArgumentOutOfRangeException.ThrowIfNegative(round.Bytes, nameof(round));
        if (!double.IsFinite(round.Seconds) || round.Seconds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(round), round.Seconds, "A round's duration is a finite, non-negative number of seconds.");
        }

        ArgumentNullException.ThrowIfNull(round.Parties, nameof(round));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var party in round.Parties)
        {
            ArgumentNullException.ThrowIfNull(party, nameof(round));
            ArgumentException.ThrowIfNullOrWhiteSpace(party.Party.Value, nameof(round));
            ArgumentOutOfRangeException.ThrowIfNegative(party.Examples, nameof(round));
            ArgumentOutOfRangeException.ThrowIfNegative(party.Bytes, nameof(round));
            if (!Enum.IsDefined(party.Outcome))
            {
                throw new ArgumentOutOfRangeException(nameof(round), party.Outcome, "Unknown party outcome.");
            }

            if (!seen.Add(party.Party.Value))
            {
                throw new ArgumentException($"Party '{party.Party}' appears twice in round {round.Round}.", nameof(round));
            }
        }
    }

    private static void RequireJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The run configuration is not a JSON document: {e.Message}", nameof(json), e);
        }
    }

    private static DateTimeOffset Truncate(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
    }

    private static double? NullableDouble(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    private static double? NaNAsNull(double? value) => value is { } v && double.IsNaN(v) ? null : value;

    private static string ToText(RunStatus status) => status switch
    {
        RunStatus.Pending => "pending",
        RunStatus.Running => "running",
        RunStatus.Completed => "completed",
        RunStatus.Failed => "failed",
        RunStatus.Stopped => "stopped",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

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
