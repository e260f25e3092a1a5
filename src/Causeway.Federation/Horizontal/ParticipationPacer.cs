namespace Causeway.Federation.Horizontal;

/// <summary>
/// Periodic participation: a party starts a training task at most once every <c>minGap</c> (both engines). Remembers
/// when each party's last task started; used from the engine's loop only (not thread-safe).
/// </summary>
internal sealed class ParticipationPacer(TimeSpan minGap, TimeProvider time)
{
    private readonly Dictionary<PartyId, long> _lastStart = [];

    /// <summary>True when no gap is enforced: every party is always due.</summary>
    public bool Unlimited => minGap <= TimeSpan.Zero;

    /// <summary>Records that <paramref name="party"/> was sent a training task now.</summary>
    public void Started(PartyId party)
    {
        if (!Unlimited)
        {
            _lastStart[party] = time.GetTimestamp();
        }
    }

    /// <summary>How long until <paramref name="party"/> may start its next task; zero when it is due.</summary>
    public TimeSpan Wait(PartyId party)
    {
        if (Unlimited || !_lastStart.TryGetValue(party, out var last))
        {
            return TimeSpan.Zero;
        }

        var wait = minGap - time.GetElapsedTime(last);
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    /// <summary>
    /// The parties of <paramref name="eligible"/> that are due, in their order, once at least
    /// min(<paramref name="needed"/>, eligible) of them are: waits for the later ones when fewer are due now.
    /// </summary>
    public async Task<IReadOnlyList<PartyId>> DueAsync(IReadOnlyList<PartyId> eligible, int needed, CancellationToken cancellationToken)
    {
        if (Unlimited || eligible.Count == 0)
        {
            return eligible;
        }

        // The needed-th shortest wait is when enough parties are due.
        var waits = eligible.Select(Wait).Order().ToArray();
        var wait = waits[Math.Clamp(needed, 1, waits.Length) - 1];
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }

        return [.. eligible.Where(p => Wait(p) == TimeSpan.Zero)];
    }
}
