using Causeway.Federation;

namespace Causeway.Coordinator.Parties;

/// <summary>One party's current session: who it is, when it joined and when it was last heard from.</summary>
internal sealed class PartySession(PartyId party, byte[] tokenHash, DateTimeOffset joinedAt)
{
    private long _lastSeenTicks = joinedAt.UtcTicks;
    private volatile bool _active = true;

    public PartyId Party { get; } = party;

    public byte[] TokenHash { get; } = tokenHash;

    public DateTimeOffset JoinedAt { get; } = joinedAt;

    public DateTimeOffset LastSeen => new(Interlocked.Read(ref _lastSeenTicks), TimeSpan.Zero);

    /// <summary>False once the session expired or was replaced by a new join.</summary>
    public bool Active => _active;

    public void Touch(DateTimeOffset now) => Interlocked.Exchange(ref _lastSeenTicks, now.UtcTicks);

    public void Deactivate() => _active = false;
}
