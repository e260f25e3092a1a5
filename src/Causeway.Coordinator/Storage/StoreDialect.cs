using System.Data.Common;

namespace Causeway.Coordinator.Storage;

/// <summary>What differs between the SQL databases behind <see cref="RelationalRunStore"/>; the SQL statements do not.</summary>
internal abstract class StoreDialect : IAsyncDisposable
{
    /// <summary>A short name for messages ("SQLite", "PostgreSQL").</summary>
    public abstract string Name { get; }

    /// <summary>DDL of each schema version; element i brings the schema from version i to version i + 1.</summary>
    public abstract IReadOnlyList<string> Migrations { get; }

    /// <summary>DDL that creates the schema_version table when it is missing.</summary>
    public abstract string CreateSchemaVersionTable { get; }

    /// <summary>A query returning 1 when the schema_version table exists, else 0.</summary>
    public abstract string SchemaVersionTableExists { get; }

    /// <summary>An SQL expression for the database's current time, in the timestamp column type.</summary>
    public abstract string NowExpression { get; }

    public abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Begins a transaction that takes the write lock up front (no lock upgrades, no deadlocks).</summary>
    public abstract ValueTask<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Begins a transaction that reads one consistent snapshot and never blocks on writers.</summary>
    public abstract ValueTask<DbTransaction> BeginReadTransactionAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Serializes concurrent schema migrations inside <paramref name="transaction"/>.</summary>
    public virtual Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>The parameter value of a UTC timestamp, already truncated to microseconds.</summary>
    public abstract object ToTimestamp(DateTimeOffset utc);

    public abstract DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal);

    public abstract bool IsUniqueViolation(DbException exception);

    public abstract bool IsForeignKeyViolation(DbException exception);

    /// <summary>Takes the store's coordinator lease without waiting; null when it is held (see <see cref="IStoreLease"/>).</summary>
    public abstract Task<StoreLease?> TryAcquireLeaseAsync(string holder, TimeSpan checkInterval, CancellationToken cancellationToken);

    /// <summary>Who holds the lease, or null when nobody does.</summary>
    public abstract Task<string?> GetLeaseHolderAsync(CancellationToken cancellationToken);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
