using System.Data.Common;
using Npgsql;

namespace Causeway.Coordinator.Storage;

/// <summary>
/// The lease of a PostgreSQL store: a session-level advisory lock (<c>pg_try_advisory_lock</c>) held by one connection
/// kept open for the purpose. The server releases it when that session ends, so a dead holder cannot keep it.
/// </summary>
/// <remarks>
/// <para>
/// Why an advisory lock and not a lease row with an expiry: the lock needs no clock, no renewal and no migration; it ends
/// exactly when the holder's session does (at once for a killed process, whose socket the kernel closes), and the server
/// frees it on its own. A lease row frees only when its expiry passes, so a takeover always waits that long, and its
/// renewals are writes. The lock is per database, so two stores on one server do not share it.
/// </para>
/// <para>
/// A holder whose host or network vanishes without closing the socket is noticed by the server's TCP keepalives,
/// set on the lease's session to probe after 5 s idle, every 2 s, 3 times (about 11 s). The holder notices from its
/// side when a check on the lease's connection fails (<see cref="RunStoreOptions.LeaseCheckInterval"/>, each check
/// bounded by a 5 s command timeout).
/// </para>
/// <para>
/// Fencing: every fenced write asks <c>pg_locks</c>, in its own transaction after its changes, whether the lease's
/// backend still holds the lock. A new holder first takes <c>SHARE</c> locks on the written tables, which waits for
/// every write transaction in flight (they hold <c>ROW EXCLUSIVE</c> from their first change until their commit) to
/// end. So a write either commits before the new holder reads the store, or finds the lock gone and rolls back.
/// </para>
/// </remarks>
internal sealed class PostgresStoreLease : StoreLease
{
    /// <summary>The advisory lock's key, the same for every coordinator of every Causeway database ("CwLease" in ASCII).</summary>
    public const long Key = 0x0043_774C_6561_7365;

    // pg_locks shows a bigint advisory key as classid = its high 32 bits, objid = its low 32 bits and objsubid = 1.
    private const string HeldBy = """
        SELECT l.pid FROM pg_catalog.pg_locks l
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.classid = @classid AND l.objid = @objid
          AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
        """;

    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    private readonly NpgsqlConnection _connection;

    private PostgresStoreLease(NpgsqlConnection connection, string holder)
        : base(holder)
    {
        _connection = connection;
        ProcessId = connection.ProcessID;
    }

    /// <summary>The backend process id of the lease's session, the one <c>pg_locks</c> shows holding the lock.</summary>
    public int ProcessId { get; }

    /// <summary>Takes the lock on a new connection of <paramref name="dataSource"/>; null when another session holds it.</summary>
    public static async Task<PostgresStoreLease?> TryAcquireAsync(
        NpgsqlDataSource dataSource, string holder, TimeSpan checkInterval, TimeProvider time, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using (var attempt = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection))
            {
                attempt.Parameters.AddWithValue("key", Key);
                if (await attempt.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                    return null;
                }
            }

            // The holder's description (pg_stat_activity shows at most 63 bytes of it) and keepalives, for this session only.
            await using (var setup = new NpgsqlCommand(
                """
                SELECT set_config('application_name', @holder, false), set_config('tcp_keepalives_idle', '5', false),
                       set_config('tcp_keepalives_interval', '2', false), set_config('tcp_keepalives_count', '3', false)
                """,
                connection))
            {
                setup.Parameters.AddWithValue("holder", holder);
                await setup.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // Wait out the previous holder's writes in flight (see the remarks).
            await using (var barrier = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
            {
                await using var lockTables = new NpgsqlCommand("LOCK TABLE runs, rounds, statistics_releases IN SHARE MODE", connection, barrier);
                await lockTables.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await barrier.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            var lease = new PostgresStoreLease(connection, holder);
            lease.StartChecking(checkInterval, time);
            return lease;
        }
        catch
        {
            // Closing the session frees a lock it took.
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>What the lock's holder set as its application name (or its backend pid), or null when nobody holds it.</summary>
    public static async Task<string?> ReadHolderAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT h.pid, a.application_name FROM ({HeldBy}) h LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = h.pid");
        AddKey(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return reader.IsDBNull(1) || reader.GetString(1).Length == 0
            ? $"the PostgreSQL session of backend pid {reader.GetInt32(0)}"
            : reader.GetString(1);
    }

    protected override async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT EXISTS ({HeldBy} AND l.pid = pg_backend_pid())", _connection)
        {
            CommandTimeout = (int)CheckTimeout.TotalSeconds,
        };
        AddKey(command);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true
            ? null
            : "the lease's PostgreSQL session no longer holds the advisory lock";
    }

    protected override async Task<string?> VerifyAsync(DbConnection? connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT EXISTS ({HeldBy} AND l.pid = @pid)", (NpgsqlConnection?)connection, (NpgsqlTransaction?)transaction);
        AddKey(command);
        command.Parameters.AddWithValue("pid", ProcessId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true
            ? null
            : $"the PostgreSQL session (backend pid {ProcessId}) that held the advisory lock has ended";
    }

    protected override async ValueTask ReleaseAsync()
    {
        try
        {
            if (_connection.FullState == System.Data.ConnectionState.Open)
            {
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", _connection);
                unlock.Parameters.AddWithValue("key", Key);
                await unlock.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The session is gone, and its lock with it.
        }
        finally
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void AddKey(NpgsqlCommand command)
    {
        command.Parameters.AddWithValue("classid", NpgsqlTypes.NpgsqlDbType.Oid, (uint)(Key >>> 32));
        command.Parameters.AddWithValue("objid", NpgsqlTypes.NpgsqlDbType.Oid, (uint)(Key & 0xFFFF_FFFF));
    }
}
