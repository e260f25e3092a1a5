using System.Data.Common;

namespace Causeway.Coordinator.Storage;

/// <summary>
/// What every <see cref="IStoreLease"/> shares: its state (held, lost, released), the <see cref="Lost"/> token, the
/// periodic check that it is still held, and the fence that writes call before they commit.
/// </summary>
internal abstract class StoreLease : IStoreLease
{
    private const int Held = 0;
    private const int LostState = 1;
    private const int Released = 2;

    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stopChecking = new();
    private Task _checking = Task.CompletedTask;
    private int _state = Held;
    private volatile string? _lostReason;

    protected StoreLease(string holder)
    {
        Holder = holder;
    }

    public string Holder { get; }

    public CancellationToken Lost => _lost.Token;

    /// <summary>
    /// Throws <see cref="StoreLeaseLostException"/> unless the lease is held, checking with the database inside the write's
    /// transaction (<paramref name="connection"/> and <paramref name="transaction"/> are null for the in-memory store).
    /// </summary>
    public async Task FenceAsync(DbConnection? connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        ThrowIfNotHeld();
        if (await VerifyAsync(connection, transaction, cancellationToken).ConfigureAwait(false) is { } reason)
        {
            MarkLost(reason);
            ThrowIfNotHeld();
        }
    }

    /// <summary>Throws <see cref="StoreLeaseLostException"/> when the lease was lost or released, without asking the database.</summary>
    public void ThrowIfNotHeld()
    {
        switch (Volatile.Read(ref _state))
        {
            case LostState:
                throw new StoreLeaseLostException($"This coordinator lost the store's lease ({_lostReason}); another coordinator may own the store's runs now. Nothing was written.");
            case Released:
                throw new StoreLeaseLostException("This coordinator gave up the store's lease; nothing was written.");
        }
    }

    /// <summary>Records that the lease is gone and cancels <see cref="Lost"/>; the first reason is kept.</summary>
    public void MarkLost(string reason)
    {
        if (Interlocked.CompareExchange(ref _state, LostState, Held) == Held)
        {
            _lostReason = reason;
            _lost.Cancel();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _state, Released) == Released)
        {
            return;
        }

        await _stopChecking.CancelAsync().ConfigureAwait(false);
        await _checking.ConfigureAwait(false);
        try
        {
            await ReleaseAsync().ConfigureAwait(false);
        }
        finally
        {
            _stopChecking.Dispose();
        }
    }

    /// <summary>Starts checking every <paramref name="interval"/> that the lease is still held; call once, after acquiring it.</summary>
    protected void StartChecking(TimeSpan interval, TimeProvider time) => _checking = CheckPeriodicallyAsync(interval, time);

    /// <summary>Null while the lease is held; otherwise why it is not. Called by the periodic check, never concurrently.</summary>
    protected abstract Task<string?> CheckAsync(CancellationToken cancellationToken);

    /// <summary>The fence's database check inside a write's transaction: null while held; otherwise why not.</summary>
    protected abstract Task<string?> VerifyAsync(DbConnection? connection, DbTransaction? transaction, CancellationToken cancellationToken);

    /// <summary>Gives the lease back (unlock, close); the periodic check has stopped. Must not throw for a lease already lost.</summary>
    protected abstract ValueTask ReleaseAsync();

    private async Task CheckPeriodicallyAsync(TimeSpan interval, TimeProvider time)
    {
        // Off the caller's synchronization context, and never faulted: a failed check is a lost lease.
        await Task.Yield();
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopChecking.Token).ConfigureAwait(false))
            {
                string? reason;
                try
                {
                    reason = await CheckAsync(_stopChecking.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (!_stopChecking.IsCancellationRequested)
                {
                    reason = $"{e.GetType().Name}: {e.Message}";
                }

                if (reason is not null)
                {
                    MarkLost(reason);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_stopChecking.IsCancellationRequested)
        {
        }
    }
}
