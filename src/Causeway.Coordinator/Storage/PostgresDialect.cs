using System.Data.Common;
using Npgsql;

namespace Causeway.Coordinator.Storage;

/// <summary>PostgreSQL specifics: timestamptz, bytea checkpoints stored uncompressed, "C" collation for ids.</summary>
internal sealed class PostgresDialect(NpgsqlDataSource dataSource, bool ownsDataSource) : StoreDialect
{
    // Any constant works; it only has to be the same for every coordinator sharing the database.
    private const long MigrationLockKey = 0x43617573_65776179; // "Causeway"

    private static readonly string[] s_migrations =
    [
        """
        CREATE TABLE runs (
            run_id         text COLLATE "C" NOT NULL PRIMARY KEY,
            name           text NOT NULL,
            config_json    text NOT NULL,
            status         text NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed', 'stopped')),
            status_message text NULL,
            created_at     timestamptz NOT NULL,
            updated_at     timestamptz NOT NULL
        );
        CREATE TABLE rounds (
            run_id         text COLLATE "C" NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
            round          integer NOT NULL CHECK (round >= 1),
            selected       integer NOT NULL CHECK (selected >= 0),
            participants   integer NOT NULL CHECK (participants >= 0),
            failures       integer NOT NULL CHECK (failures >= 0),
            succeeded      boolean NOT NULL,
            train_loss     double precision NULL,
            eval_loss      double precision NULL,
            accuracy       double precision NULL,
            bytes          bigint NOT NULL CHECK (bytes >= 0),
            seconds        double precision NOT NULL CHECK (seconds >= 0),
            closed_at      timestamptz NOT NULL,
            PRIMARY KEY (run_id, round)
        );
        CREATE TABLE party_rounds (
            run_id     text COLLATE "C" NOT NULL,
            round      integer NOT NULL,
            position   integer NOT NULL,
            party_id   text COLLATE "C" NOT NULL,
            outcome    text NOT NULL CHECK (outcome IN ('accepted', 'straggler', 'dropout', 'rejected')),
            reason     text NULL,
            examples   integer NOT NULL CHECK (examples >= 0),
            train_loss double precision NULL,
            bytes      bigint NOT NULL CHECK (bytes >= 0),
            PRIMARY KEY (run_id, round, party_id),
            UNIQUE (run_id, round, position),
            FOREIGN KEY (run_id, round) REFERENCES rounds (run_id, round) ON DELETE CASCADE
        );
        CREATE TABLE checkpoints (
            run_id            text COLLATE "C" NOT NULL,
            round             integer NOT NULL,
            global_parameters bytea NOT NULL,
            optimizer_state   bytea NULL,
            PRIMARY KEY (run_id, round),
            FOREIGN KEY (run_id, round) REFERENCES rounds (run_id, round) ON DELETE CASCADE
        );
        -- float32 data barely compresses; store it out of line without trying.
        ALTER TABLE checkpoints ALTER COLUMN global_parameters SET STORAGE EXTERNAL;
        ALTER TABLE checkpoints ALTER COLUMN optimizer_state SET STORAGE EXTERNAL;
        CREATE TABLE parties (
            federation    text COLLATE "C" NOT NULL,
            party_id      text COLLATE "C" NOT NULL,
            token_hash    text NOT NULL,
            registered_at timestamptz NOT NULL,
            last_seen     timestamptz NOT NULL,
            PRIMARY KEY (federation, party_id)
        );
        """,
        """
        ALTER TABLE runs ADD COLUMN setup_json text NULL;
        """,
        """
        ALTER TABLE rounds ADD COLUMN privacy_json text NULL;
        ALTER TABLE checkpoints ADD COLUMN privacy_state text NULL;
        """,
        """
        CREATE TABLE statistics_releases (
            run_id      text COLLATE "C" NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
            release     integer NOT NULL CHECK (release >= 1),
            mechanism   text NOT NULL CHECK (mechanism IN ('laplace', 'gaussian')),
            epsilon     double precision NOT NULL CHECK (epsilon > 0),
            delta       double precision NOT NULL CHECK (delta >= 0),
            released_at timestamptz NOT NULL,
            PRIMARY KEY (run_id, release)
        );
        """,
        """
        ALTER TABLE rounds
            ADD COLUMN eval_examples integer NULL CHECK (eval_examples >= 0),
            ADD COLUMN roc_auc double precision NULL,
            ADD COLUMN f1 double precision NULL,
            ADD COLUMN rmse double precision NULL,
            ADD COLUMN mae double precision NULL,
            ADD COLUMN slowest_train_seconds double precision NULL,
            ADD COLUMN problem text NULL;
        """,

        // Version 6: "stopped" now means an operator stopped the run, and a coordinator shutting down leaves its run
        // "running"; every run stored as stopped before was stopped by a shutdown, so it is interrupted, not stopped.
        """
        UPDATE runs SET status = 'running' WHERE status = 'stopped';
        """,
        // Version 7: asynchronous rounds record, per update, the model versions it connects and its staleness weight.
        """
        ALTER TABLE party_rounds
            ADD COLUMN trained_on_version integer NULL CHECK (trained_on_version >= 0),
            ADD COLUMN applied_to_version integer NULL CHECK (applied_to_version >= 0),
            ADD COLUMN staleness integer NULL CHECK (staleness >= 0),
            ADD COLUMN staleness_weight double precision NULL CHECK (staleness_weight >= 0);
        """,

        // Version 8: each party's own evaluation of the global model after an evaluated round (a JSON array).
        """
        ALTER TABLE rounds ADD COLUMN party_evaluations_json text NULL;
        """,

        // Version 9: the operator's reference figures for a run (a centralised model's metrics, for comparison).
        """
        ALTER TABLE runs ADD COLUMN reference_json text NULL;
        """,
    ];

    public override string Name => "PostgreSQL";

    public override IReadOnlyList<string> Migrations => s_migrations;

    public override string CreateSchemaVersionTable =>
        "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL PRIMARY KEY, applied_at timestamptz NOT NULL);";

    public override string SchemaVersionTableExists =>
        "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = 'schema_version'";

    public override string NowExpression => "now()";

    public override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

    public override async ValueTask<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(cancellationToken);

    public override async ValueTask<DbTransaction> BeginReadTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);

    public override async Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("key", MigrationLockKey);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override object ToTimestamp(DateTimeOffset utc) => utc;

    public override DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override bool IsForeignKeyViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation };

    public override async Task<StoreLease?> TryAcquireLeaseAsync(string holder, TimeSpan checkInterval, CancellationToken cancellationToken) =>
        await PostgresStoreLease.TryAcquireAsync(dataSource, holder, checkInterval, TimeProvider.System, cancellationToken);

    public override Task<string?> GetLeaseHolderAsync(CancellationToken cancellationToken) =>
        PostgresStoreLease.ReadHolderAsync(dataSource, cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        if (ownsDataSource)
        {
            await dataSource.DisposeAsync();
        }
    }
}
