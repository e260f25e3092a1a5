using Causeway.Federation;
using Causeway.Federation.Horizontal;

namespace Causeway.Coordinator.Parties;

/// <summary>One party's current session: who it is, what data it described, when it joined and when it was last heard from.</summary>
/// <param name="party">The party the session belongs to.</param>
/// <param name="tokenHash">SHA-256 of the session token.</param>
/// <param name="joinedAt">When the party joined.</param>
/// <param name="data">The party's description of its training data, or null.</param>
/// <param name="certificateBound">True when the party joined with a client certificate naming it (mutual TLS): every later
/// call must then come with a certificate naming the same party.</param>
internal sealed class PartySession(PartyId party, byte[] tokenHash, DateTimeOffset joinedAt, DataDescription? data, bool certificateBound)
{
    // Cancelled when the session ends, so a long poll of an ended session stops waiting for its party's tasks.
    private readonly CancellationTokenSource _ended = new();
    private long _lastSeenTicks = joinedAt.UtcTicks;
    private volatile bool _active = true;
    private volatile bool _replaced;

    public PartyId Party { get; } = party;

    public byte[] TokenHash { get; } = tokenHash;

    public DateTimeOffset JoinedAt { get; } = joinedAt;

    /// <summary>The party's description of its training data, or null when it sent none.</summary>
    public DataDescription? Data { get; } = data;

    /// <summary>The software the party said it runs (<c>JoinRequest.client_version</c>), or empty.</summary>
    public string ClientVersion { get; init; } = "";

    /// <summary>Why the session ended ("missed heartbeats", "the party joined again"); null while it is active.</summary>
    public string? EndReason { get; private set; }

    /// <summary>True when the session was opened over a connection whose client certificate names the party.</summary>
    public bool CertificateBound { get; } = certificateBound;

    /// <summary>The client certificate (DER) the session was opened with, or null: relayed for authenticated secure aggregation.</summary>
    public byte[]? Certificate { get; init; }

    public DateTimeOffset LastSeen => new(Interlocked.Read(ref _lastSeenTicks), TimeSpan.Zero);

    /// <summary>False once the session expired or was replaced by a new join.</summary>
    public bool Active => _active;

    /// <summary>True when a newer join of the same party ended the session (rather than missed heartbeats).</summary>
    public bool Replaced => _replaced;

    /// <summary>Cancelled when the session ends.</summary>
    public CancellationToken Ended => _ended.Token;

    public void Touch(DateTimeOffset now) => Interlocked.Exchange(ref _lastSeenTicks, now.UtcTicks);

    /// <summary>Ends the session for <paramref name="reason"/>; <paramref name="replaced"/> when a newer join of the party replaced it.</summary>
    public void Deactivate(string reason, bool replaced)
    {
        EndReason = reason;
        _replaced = replaced;
        _active = false;
        _ended.Cancel();
    }
}
