namespace Causeway.Coordinator.Storage;

/// <summary>
/// The right to write runs to one store: at most one coordinator holds it at a time, so a second coordinator on the
/// same store waits as a standby instead of taking over the live run. Taken with <see cref="IRunStore.TryAcquireLeaseAsync"/>,
/// given up with <see cref="IAsyncDisposable.DisposeAsync"/>, and lost without either when the holder dies.
/// </summary>
/// <remarks>
/// <para>
/// What holds it: SQLite, an exclusive <c>flock(2)</c> on the companion file <c>DATABASE-lease</c>, which the kernel
/// drops when the holding process dies; PostgreSQL, a session advisory lock (<c>pg_try_advisory_lock</c>) on a connection
/// kept for the purpose, which the server drops when that session ends (a killed process closes its socket at once; a
/// vanished host is noticed through TCP keepalives within about ten seconds); in memory, a field of the shared database.
/// </para>
/// <para>
/// Fencing: once a store instance has taken the lease, its writes of run state (setup, status, closed rounds, statistics
/// releases) check inside their transaction, just before the commit, that the lease is still this one's, and throw
/// <see cref="StoreLeaseLostException"/> otherwise, writing nothing. A new holder first waits for the writes in flight of
/// the old one to end, so a coordinator that lost its lease (a paused VM, a cut network) cannot commit behind its successor.
/// </para>
/// </remarks>
public interface IStoreLease : IAsyncDisposable
{
    /// <summary>Who holds the lease, as the holder described itself (e.g. its address), shown to standbys.</summary>
    string Holder { get; }

    /// <summary>
    /// Cancelled when the lease is found lost while held (the PostgreSQL session ended; the lease file was removed or
    /// taken over), checked every <see cref="RunStoreOptions.LeaseCheckInterval"/>. Not cancelled by disposal.
    /// </summary>
    CancellationToken Lost { get; }
}
