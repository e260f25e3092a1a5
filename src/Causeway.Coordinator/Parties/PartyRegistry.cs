using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Causeway.Coordinator.Dashboard;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Microsoft.Extensions.Options;

namespace Causeway.Coordinator.Parties;

/// <summary>
/// The federation's membership: checks join tokens (constant time, hashes only, expiry), issues session tokens,
/// authenticates requests and tracks each party's last heartbeat.
/// </summary>
/// <remarks>
/// A session token is 32 random bytes; only its SHA-256 hash is kept. A party that joins again gets a new
/// session and the old one stops working, so a party restarted after a crash is back at once, without waiting for the
/// heartbeat timeout; the coordinator never holds two live sessions for one party id. The replaced session's calls are
/// refused as <see cref="AccessRefusal.SessionReplaced"/> (its last token per party is remembered for that), and a
/// standby join (the replaced process asking for its id back) is refused while the id has a live session
/// (<see cref="AccessRefusal.PartyIdInUse"/>), so two processes with one id do not take turns replacing each other.
/// Any authenticated request counts as a heartbeat. With mutual TLS the
/// client certificate must name the joining party, and every later call of that session must come over a
/// connection whose certificate names the same party, so a session token alone (leaked, or another party's)
/// is not enough.
/// </remarks>
internal sealed class PartyRegistry(IOptions<CoordinatorOptions> options, TimeProvider time, CoordinatorEvents events)
{
    private readonly CoordinatorOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, PartySession> _bySessionHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<PartyId, PartySession> _byParty = new();

    // Per party, the hash of its last replaced session, kept in _bySessionHash so its calls learn why they are refused.
    private readonly ConcurrentDictionary<PartyId, string> _replaced = new();

    // The live-session check of a standby join and the replacement are one step.
    private readonly Lock _joining = new();

    /// <summary>Raised (synchronously) when a party's session is replaced by a new join (rejoined = true) or expires.</summary>
    public event Action<PartyId, string, bool>? SessionEnded;

    /// <param name="partyId">The id the party claims.</param>
    /// <param name="joinToken">The join token it presented.</param>
    /// <param name="data">Its description of its training data, or null.</param>
    /// <param name="clientVersion">The software it says it runs (free text, shown to the operator), or empty.</param>
    /// <param name="certificate">The connection's client certificate (mutual TLS), or null.</param>
    /// <param name="standby">Refuse (<see cref="AccessRefusal.PartyIdInUse"/>) rather than replace a live session of the party.</param>
    public JoinResult Join(string partyId, string joinToken, DataDescription? data, string clientVersion, X509Certificate2? certificate, bool standby)
    {
        PartyId party;
        try
        {
            party = new PartyId(partyId);
        }
        catch (ArgumentException)
        {
            return JoinResult.Refused(AccessRefusal.InvalidPartyId, $"the party id must be {PartyId.Rule}");
        }

        // With mutual TLS the certificate (already checked against the federation CA) must name this party.
        var named = PartyCertificate.NameOf(certificate);
        if (certificate is not null && named != party.Value)
        {
            return JoinResult.Refused(AccessRefusal.Forbidden, "the client certificate belongs to another party");
        }

        var presented = CoordinatorOptions.HashToken(joinToken ?? "");
        CoordinatorOptions.JoinTokenEntry? match = null;
        foreach (var entry in _options.JoinTokens)
        {
            // Compare against every entry so the time taken does not reveal which one matched.
            if (CryptographicOperations.FixedTimeEquals(entry.Hash, presented))
            {
                match ??= entry;
            }
        }

        if (match is null)
        {
            return JoinResult.Refused(AccessRefusal.NotAuthenticated, "invalid join token");
        }

        var now = time.GetUtcNow();
        if (match.ExpiresAt is { } expiry && now >= expiry)
        {
            return JoinResult.Refused(AccessRefusal.NotAuthenticated, "join token expired");
        }

        if (match.Parties is not null && !match.Parties.Contains(party.Value))
        {
            return JoinResult.Refused(AccessRefusal.Forbidden, $"party '{party}' is not a member of federation '{_options.FederationId}'");
        }

        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(token));
        var session = new PartySession(party, hash, now, data, certificateBound: certificate is not null) { ClientVersion = clientVersion, Certificate = certificate?.RawData };
        PartySession? previous;
        lock (_joining)
        {
            if (_byParty.TryGetValue(party, out previous) && previous.Active && standby)
            {
                return JoinResult.Refused(
                    AccessRefusal.PartyIdInUse,
                    $"party '{party}' has a live session (last heard {(now - previous.LastSeen).TotalSeconds:F1} s ago); standing by until it ends");
            }

            _bySessionHash[Convert.ToHexString(hash)] = session;
            _byParty[party] = session;
        }

        TimeSpan? replacedLive = null;
        if (previous is { Active: true })
        {
            replacedLive = now - previous.LastSeen;
            End(previous, "the party joined again", rejoined: true);
        }

        events.Publish(ChangeTopic.Parties, party.Value);
        return new JoinResult(token, default, null, replacedLive);
    }

    /// <summary>
    /// Finds the active session for an <c>Authorization: Bearer</c> header value and checks that the connection's
    /// client certificate (if any, or if the session was opened with one) names the session's party. Only an
    /// accepted call counts as a heartbeat.
    /// </summary>
    /// <returns>The session; <see cref="AccessRefusal.NotAuthenticated"/> for a missing, unknown or expired token;
    /// <see cref="AccessRefusal.Forbidden"/> when the certificate names another party or a certificate-bound session's call
    /// comes without one.</returns>
    public AuthenticationResult Authenticate(string? authorization, X509Certificate2? certificate)
    {
        if (FindSession(authorization) is not { } session)
        {
            return AuthenticationResult.Refused(AccessRefusal.NotAuthenticated, "missing, invalid or expired session token; join again");
        }

        if (!session.Active)
        {
            return AuthenticationResult.Refused(
                AccessRefusal.SessionReplaced,
                $"another process joined as party '{session.Party}' and replaced this session; two running processes must not share a party id");
        }

        if (certificate is not null && PartyCertificate.NameOf(certificate) is var named && named != session.Party.Value)
        {
            return AuthenticationResult.Refused(
                AccessRefusal.Forbidden, $"the session token does not belong to the party the client certificate names ('{named}')");
        }

        if (certificate is null && session.CertificateBound)
        {
            return AuthenticationResult.Refused(
                AccessRefusal.Forbidden, "the session was opened with a client certificate; present it on every call");
        }

        session.Touch(time.GetUtcNow());
        return new AuthenticationResult(session, default, null);
    }

    public bool IsConnected(PartyId party) => _byParty.TryGetValue(party, out var session) && session.Active;

    /// <summary>The client certificate (DER) of the party's active session, or null when it joined without one.</summary>
    public byte[]? CertificateOf(PartyId party) => _byParty.TryGetValue(party, out var session) && session.Active ? session.Certificate : null;

    /// <summary>What the connected party said about its data when it joined; null when it is not connected or said nothing.</summary>
    public DataDescription? Describe(PartyId party) => _byParty.TryGetValue(party, out var session) && session.Active ? session.Data : null;

    /// <summary>The parties with an active session, ordered by id.</summary>
    public IReadOnlyList<PartyId> Connected() =>
        [.. _byParty.Values.Where(s => s.Active).Select(s => s.Party).OrderBy(p => p.Value, StringComparer.Ordinal)];

    /// <summary>The active sessions, ordered by party id.</summary>
    public IReadOnlyList<PartySession> ActiveSessions() =>
        [.. _byParty.Values.Where(s => s.Active).OrderBy(s => s.Party.Value, StringComparer.Ordinal)];

    public IReadOnlyList<PartyStatus> Snapshot() =>
        [.. _byParty.Values.Where(s => s.Active).OrderBy(s => s.Party.Value, StringComparer.Ordinal)
            .Select(s => new PartyStatus(s.Party.Value, s.JoinedAt, s.LastSeen))];

    /// <summary>
    /// Every party that joined since the coordinator started, online or not, ordered by id: its latest session, what it
    /// said about its data and software, and why it went offline.
    /// </summary>
    public IReadOnlyList<PartyView> Members() =>
        [.. _byParty.Values.OrderBy(s => s.Party.Value, StringComparer.Ordinal).Select(s =>
        {
            // Read once: a session may end between two reads, and online with a reason for being offline is no answer.
            var online = s.Active;
            return new PartyView(
                s.Party.Value,
                online,
                s.JoinedAt,
                s.LastSeen,
                s.ClientVersion,
                s.Data is { Ratings: null } table ? table.Statistics.Rows : null,
                s.Data?.Ratings?.Ratings,
                online ? null : s.EndReason);
        })];

    /// <summary>Ends every session not heard from within the heartbeat timeout; returns the expired parties.</summary>
    public IReadOnlyList<(PartyId Party, TimeSpan Silence)> ExpireStale()
    {
        var now = time.GetUtcNow();
        var expired = new List<(PartyId, TimeSpan)>();
        foreach (var session in _byParty.Values)
        {
            var silence = now - session.LastSeen;
            if (session.Active && silence > _options.HeartbeatTimeout)
            {
                End(session, "missed heartbeats", rejoined: false);
                expired.Add((session.Party, silence));
            }
        }

        return expired;
    }

    private PartySession? FindSession(string? authorization)
    {
        const string Prefix = "Bearer ";
        if (authorization is null || !authorization.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = authorization.AsSpan(Prefix.Length).Trim();
        if (token.Length is 0 or > 256)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[256];
        var count = Encoding.ASCII.GetBytes(token, bytes);
        var hash = SHA256.HashData(bytes[..count]);
        // Active sessions, and the last replaced one of each party (Authenticate tells it why it is refused).
        return _bySessionHash.TryGetValue(Convert.ToHexString(hash), out var session) && (session.Active || session.Replaced)
            && CryptographicOperations.FixedTimeEquals(session.TokenHash, hash)
            ? session
            : null;
    }

    private void End(PartySession session, string reason, bool rejoined)
    {
        session.Deactivate(reason, replaced: rejoined);
        var key = Convert.ToHexString(session.TokenHash);
        if (rejoined)
        {
            // Keep only the party's latest replaced session: at most one per party id, however often it is replaced.
            string? older = null;
            _replaced.AddOrUpdate(session.Party, key, (_, old) =>
            {
                older = old;
                return key;
            });
            if (older is not null)
            {
                _bySessionHash.TryRemove(older, out _);
            }
        }
        else
        {
            _bySessionHash.TryRemove(key, out _);
        }

        SessionEnded?.Invoke(session.Party, reason, rejoined);
        events.Publish(ChangeTopic.Parties, session.Party.Value);
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
