using Causeway.Coordinator.Storage;

namespace Causeway.Coordinator.Hosting;

/// <summary>
/// The standby side of "one active coordinator per store": a coordinator takes its store's lease before it serves, and
/// while another holds it, waits (hot: store open, certificates loaded, not listening) until the lease is free.
/// </summary>
/// <remarks>
/// The standby does not listen at all until it holds the lease, so no party can join it and wait there, and parties given
/// several addresses (<c>causeway party --join A --join B</c>) find the active one by the connection being refused at the
/// other. Once it holds the lease, build and start the host; dispose the host before the lease, so the final writes of
/// an orderly shutdown (a run's <c>stopped</c> status) are made while the lease is still held.
/// </remarks>
public static class CoordinatorStandby
{
    /// <summary>How often a standby asks for the lease. Default 250 ms: the takeover waits at most this long for it.</summary>
    public static TimeSpan DefaultPollInterval { get; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Takes <paramref name="store"/>'s lease, waiting as long as another coordinator holds it, and returns it.
    /// <paramref name="onStandby"/> is told who holds it when the first attempt fails, and again whenever the holder changes.
    /// </summary>
    /// <param name="store">The coordinator's store.</param>
    /// <param name="holder">How this coordinator describes itself to standbys (e.g. its address, process id and host).</param>
    /// <param name="onStandby">Called with the holder's description while this coordinator waits; for a log line.</param>
    /// <param name="pollInterval">The wait between attempts; <see cref="DefaultPollInterval"/> when null.</param>
    /// <param name="time">The clock; the system's when null.</param>
    /// <param name="cancellationToken">Stops waiting (<see cref="OperationCanceledException"/>).</param>
    public static async Task<IStoreLease> WaitForLeaseAsync(
        IRunStore store,
        string holder,
        Action<string> onStandby,
        TimeSpan? pollInterval = null,
        TimeProvider? time = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(holder);
        ArgumentNullException.ThrowIfNull(onStandby);
        var interval = pollInterval ?? DefaultPollInterval;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero, nameof(pollInterval));
        time ??= TimeProvider.System;

        string? announced = null;
        while (true)
        {
            if (await store.TryAcquireLeaseAsync(holder, cancellationToken).ConfigureAwait(false) is { } lease)
            {
                return lease;
            }

            // Null: released between the two calls; the next attempt takes it.
            if (await store.GetLeaseHolderAsync(cancellationToken).ConfigureAwait(false) is { } current && current != announced)
            {
                announced = current;
                onStandby(current);
            }

            await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
