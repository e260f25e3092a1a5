using System.Data;
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Causeway.Coordinator.Storage;

/// <summary>SQLite specifics: STRICT tables, timestamps as fixed-width ISO-8601 UTC text, BLOB checkpoints.</summary>
internal sealed class SqliteDialect(string connectionString, string databasePath) : StoreDialect
{
    // Fixed width, so text order is time order.
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    private const int SqliteConstraint = 19;
    private const int SqliteConstraintForeignKey = 787;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;

    private static readonly string[] s_migrations =
    [
        """
        CREATE TABLE runs (
            run_id         TEXT NOT NULL PRIMARY KEY,
            name           TEXT NOT NULL,
            config_json    TEXT NOT NULL,
            status         TEXT NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed', 'stopped')),
            status_message TEXT NULL,
            created_at     TEXT NOT NULL,
            updated_at     TEXT NOT NULL
        ) STRICT;
        CREATE TABLE rounds (
            run_id         TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
            round          INTEGER NOT NULL CHECK (round >= 1),
            selected       INTEGER NOT NULL CHECK (selected >= 0),
            participants   INTEGER NOT NULL CHECK (participants >= 0),
            failures       INTEGER NOT NULL CHECK (failures >= 0),
            succeeded      INTEGER NOT NULL CHECK (succeeded IN (0, 1)),
            train_loss     REAL NULL,
            eval_loss      REAL NULL,
            accuracy       REAL NULL,
            bytes          INTEGER NOT NULL CHECK (bytes >= 0),
            seconds        REAL NOT NULL CHECK (seconds >= 0),
            closed_at      TEXT NOT NULL,
            PRIMARY KEY (run_id, round)
        ) STRICT;
        CREATE TABLE party_rounds (
            run_id     TEXT NOT NULL,
            round      INTEGER NOT NULL,
            position   INTEGER NOT NULL,
            party_id   TEXT NOT NULL,
            outcome    TEXT NOT NULL CHECK (outcome IN ('accepted', 'straggler', 'dropout', 'rejected')),
            reason     TEXT NULL,
            examples   INTEGER NOT NULL CHECK (examples >= 0),
            train_loss REAL NULL,
            bytes      INTEGER NOT NULL CHECK (bytes >= 0),
            PRIMARY KEY (run_id, round, party_id),
            UNIQUE (run_id, round, position),
            FOREIGN KEY (run_id, round) REFERENCES rounds (run_id, round) ON DELETE CASCADE
        ) STRICT;
        CREATE TABLE checkpoints (
            run_id            TEXT NOT NULL,
            round             INTEGER NOT NULL,
            global_parameters BLOB NOT NULL,
            optimizer_state   BLOB NULL,
            PRIMARY KEY (run_id, round),
            FOREIGN KEY (run_id, round) REFERENCES rounds (run_id, round) ON DELETE CASCADE
        ) STRICT;
        CREATE TABLE parties (
            federation    TEXT NOT NULL,
            party_id      TEXT NOT NULL,
            token_hash    TEXT NOT NULL,
            registered_at TEXT NOT NULL,
            last_seen     TEXT NOT NULL,
            PRIMARY KEY (federation, party_id)
        ) STRICT;
        """,
        """
        ALTER TABLE runs ADD COLUMN setup_json TEXT NULL;
        """,
        """
        ALTER TABLE rounds ADD COLUMN privacy_json TEXT NULL;
        ALTER TABLE checkpoints ADD COLUMN privacy_state TEXT NULL;
        """,
        """
        CREATE TABLE statistics_releases (
            run_id      TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
            release     INTEGER NOT NULL CHECK (release >= 1),
            mechanism   TEXT NOT NULL CHECK (mechanism IN ('laplace', 'gaussian')),
            epsilon     REAL NOT NULL CHECK (epsilon > 0),
            delta       REAL NOT NULL CHECK (delta >= 0),
            released_at TEXT NOT NULL,
            PRIMARY KEY (run_id, release)
        ) STRICT;
        """,
        """
        ALTER TABLE rounds ADD COLUMN eval_examples INTEGER NULL CHECK (eval_examples >= 0);
        ALTER TABLE rounds ADD COLUMN roc_auc REAL NULL;
        ALTER TABLE rounds ADD COLUMN f1 REAL NULL;
        ALTER TABLE rounds ADD COLUMN rmse REAL NULL;
        ALTER TABLE rounds ADD COLUMN mae REAL NULL;
        ALTER TABLE rounds ADD COLUMN slowest_train_seconds REAL NULL;
        ALTER TABLE rounds ADD COLUMN problem TEXT NULL;
        """,

        // Version 6: "stopped" now means an operator stopped the run, and a coordinator shutting down leaves its run
        // "running"; every run stored as stopped before was stopped by a shutdown, so it is interrupted, not stopped.
        """
        UPDATE runs SET status = 'running' WHERE status = 'stopped';
        """,
        // Version 7: asynchronous rounds record, per update, the model versions it connects and its staleness weight.
        """
        ALTER TABLE party_rounds ADD COLUMN trained_on_version INTEGER NULL CHECK (trained_on_version >= 0);
        ALTER TABLE party_rounds ADD COLUMN applied_to_version INTEGER NULL CHECK (applied_to_version >= 0);
        ALTER TABLE party_rounds ADD COLUMN staleness INTEGER NULL CHECK (staleness >= 0);
        ALTER TABLE party_rounds ADD COLUMN staleness_weight REAL NULL CHECK (staleness_weight >= 0);
        """,

        // Version 8: each party's own evaluation of the global model after an evaluated round (a JSON array).
        """
        ALTER TABLE rounds ADD COLUMN party_evaluations_json TEXT NULL;
        """,

        // Version 9: the operator's reference figures for a run (a centralised model's metrics, for comparison).
        """
        ALTER TABLE runs ADD COLUMN reference_json TEXT NULL;
        """,
    ];

    public override string Name => "SQLite";

    public override IReadOnlyList<string> Migrations => s_migrations;

    public override string CreateSchemaVersionTable =>
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL) STRICT;";

    public override string SchemaVersionTableExists =>
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";

    public override string NowExpression => "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

    public override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);

            // Per connection: in WAL mode NORMAL survives a process kill but may lose the last commits on power
            // loss; FULL syncs the WAL on every commit, so a closed round survives both.
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous = FULL;";
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public override ValueTask<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        // deferred: false issues BEGIN IMMEDIATE: the write lock is taken now, so two writers never deadlock upgrading.
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(IsolationLevel.Serializable, deferred: false));

    public override ValueTask<DbTransaction> BeginReadTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        // A deferred transaction in WAL mode reads one snapshot and never waits for the writer.
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(IsolationLevel.Serializable, deferred: true));

    public override object ToTimestamp(DateTimeOffset utc) => utc.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    public override DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal) =>
        DateTimeOffset.ParseExact(
            reader.GetString(ordinal), TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteConstraint, SqliteExtendedErrorCode: SqliteConstraintPrimaryKey or SqliteConstraintUnique };

    public override bool IsForeignKeyViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteConstraint, SqliteExtendedErrorCode: SqliteConstraintForeignKey };

    public override Task<StoreLease?> TryAcquireLeaseAsync(string holder, TimeSpan checkInterval, CancellationToken cancellationToken) =>
        Task.FromResult<StoreLease?>(SqliteStoreLease.TryAcquire(databasePath, holder, checkInterval, TimeProvider.System));

    public override Task<string?> GetLeaseHolderAsync(CancellationToken cancellationToken) =>
        Task.FromResult(SqliteStoreLease.ReadHolder(databasePath));

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; a disposed store must not.
        using var connection = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }
}
