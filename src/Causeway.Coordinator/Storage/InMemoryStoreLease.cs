using System.Data.Common;

namespace Causeway.Coordinator.Storage;

/// <summary>
/// The lease of an <see cref="InMemoryRunDatabase"/>: a field of the database, so store instances on one database (as
/// coordinators on one file) exclude each other. It can only be lost through <see cref="Revoke"/> (tests).
/// </summary>
internal sealed class InMemoryStoreLease : StoreLease
{
    private readonly InMemoryRunDatabase _database;

    private InMemoryStoreLease(InMemoryRunDatabase database, string holder)
        : base(holder)
    {
        _database = database;
    }

    /// <summary>Takes the database's lease; null when another lease holds it.</summary>
    public static InMemoryStoreLease? TryAcquire(InMemoryRunDatabase database, string holder)
    {
        lock (database.Gate)
        {
            if (database.Lease is not null)
            {
                return null;
            }

            var lease = new InMemoryStoreLease(database, holder);
            database.Lease = lease;
            return lease;
        }
    }

    /// <summary>Takes the lease away from its holder, as the death of a holder's process would (tests).</summary>
    public void Revoke()
    {
        lock (_database.Gate)
        {
            if (_database.Lease == this)
            {
                _database.Lease = null;
            }
        }

        MarkLost("the lease was revoked");
    }

    protected override Task<string?> CheckAsync(CancellationToken cancellationToken) => Task.FromResult(Verify());

    protected override Task<string?> VerifyAsync(DbConnection? connection, DbTransaction? transaction, CancellationToken cancellationToken) =>
        Task.FromResult(Verify());

    protected override ValueTask ReleaseAsync()
    {
        lock (_database.Gate)
        {
            if (_database.Lease == this)
            {
                _database.Lease = null;
            }
        }

        return ValueTask.CompletedTask;
    }

    private string? Verify()
    {
        lock (_database.Gate)
        {
            return _database.Lease == this ? null : "another store instance holds the lease";
        }
    }
}
