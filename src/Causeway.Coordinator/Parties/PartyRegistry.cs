using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Causeway.Coordinator.Parties;

/// <summary>
/// The federation's membership: checks join tokens (constant time, hashes only), issues session tokens,
/// authenticates requests and tracks each party's last heartbeat.
/// </summary>
/// <remarks>
/// A session token is 32 random bytes; only its SHA-256 hash is kept. A party that joins again gets a new
/// session and the old one stops working. Any authenticated request counts as a heartbeat.
/// </remarks>
internal sealed class PartyRegistry(IOptions<CoordinatorOptions> options, TimeProvider time)
{
    private readonly CoordinatorOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, PartySession> _bySessionHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<PartyId, PartySession> _byParty = new();

    /// <summary>Raised (synchronously) when a party's session is replaced by a new join (rejoined = true) or expires.</summary>
    public event Action<PartyId, string, bool>? SessionEnded;

    public JoinResult Join(string partyId, string joinToken, DataDescription? data)
    {
        PartyId party;
        try
        {
            party = new PartyId(partyId);
        }
        catch (ArgumentException)
        {
            return JoinResult.Refused(StatusCodes.Status400BadRequest, "the party id must be 1 to 128 printable characters");
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
            return JoinResult.Refused(StatusCodes.Status401Unauthorized, "invalid join token");
        }

        if (match.Parties is not null && !match.Parties.Contains(party.Value))
        {
            return JoinResult.Refused(StatusCodes.Status403Forbidden, $"party '{party}' is not a member of federation '{_options.FederationId}'");
        }

        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(token));
        var session = new PartySession(party, hash, time.GetUtcNow(), data);
        _bySessionHash[Convert.ToHexString(hash)] = session;
        PartySession? previous = null;
        _byParty.AddOrUpdate(party, session, (_, old) =>
        {
            previous = old;
            return session;
        });
        if (previous is not null && !ReferenceEquals(previous, session))
        {
            End(previous, "the party joined again", rejoined: true);
        }

        return new JoinResult(token, StatusCodes.Status200OK, null);
    }

    /// <summary>Returns the active session for an <c>Authorization: Bearer</c> header value, or null.</summary>
    public PartySession? Authenticate(string? authorization)
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
        if (!_bySessionHash.TryGetValue(Convert.ToHexString(hash), out var session) || !session.Active
            || !CryptographicOperations.FixedTimeEquals(session.TokenHash, hash))
        {
            return null;
        }

        session.Touch(time.GetUtcNow());
        return session;
    }

    public bool IsConnected(PartyId party) => _byParty.TryGetValue(party, out var session) && session.Active;

    /// <summary>What the connected party said about its data when it joined; null when it is not connected or said nothing.</summary>
    public DataDescription? Describe(PartyId party) => _byParty.TryGetValue(party, out var session) && session.Active ? session.Data : null;

    /// <summary>The parties with an active session, ordered by id.</summary>
    public IReadOnlyList<PartyId> Connected() =>
        [.. _byParty.Values.Where(s => s.Active).Select(s => s.Party).OrderBy(p => p.Value, StringComparer.Ordinal)];

    public IReadOnlyList<PartyStatus> Snapshot() =>
        [.. _byParty.Values.Where(s => s.Active).OrderBy(s => s.Party.Value, StringComparer.Ordinal)
            .Select(s => new PartyStatus(s.Party.Value, s.JoinedAt, s.LastSeen))];

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

    private void End(PartySession session, string reason, bool rejoined)
    {
        session.Deactivate();
        _bySessionHash.TryRemove(Convert.ToHexString(session.TokenHash), out _);
        SessionEnded?.Invoke(session.Party, reason, rejoined);
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
