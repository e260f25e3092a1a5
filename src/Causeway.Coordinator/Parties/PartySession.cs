using Causeway.Federation;
using Causeway.Federation.Horizontal;

namespace Causeway.Coordinator.Parties;

/// <summary>One party's current session: who it is, what data it described, when it joined and when it was last heard from.</summary>
internal sealed class PartySession(PartyId party, byte[] tokenHash, DateTimeOffset joinedAt, DataDescription? data)
{
    private long _lastSeenTicks = joinedAt.UtcTicks;
    private volatile bool _active = true;

    public PartyId Party { get; } = party;

    public byte[] TokenHash { get; } = tokenHash;

    public DateTimeOffset JoinedAt { get; } = joinedAt;

    /// <summary>The party's description of its training data, or null when it sent none.</summary>
    public DataDescription? Data { get; } = data;

    public DateTimeOffset LastSeen => new(Interlocked.Read(ref _lastSeenTicks), TimeSpan.Zero);

    /// <summary>False once the session expired or was replaced by a new join.</summary>
    public bool Active => _active;

    public void Touch(DateTimeOffset now) => Interlocked.Exchange(ref _lastSeenTicks, now.UtcTicks);

    public void Deactivate() => _active = false;
}
