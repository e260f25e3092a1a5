using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Causeway.Privacy.SecureAggregation;

/// <summary>
/// A party's long-term identity in an authenticated session: its own ECDSA P-256 signing key and the identity public
/// key of every party of the session, which the party trusts independently of the server (over the network: the
/// parties' client certificates, each checked against the federation CA and the party id it names).
/// </summary>
/// <remarks>
/// Signatures are ECDSA P-256 with SHA-256 in the IEEE P1363 layout (r ‖ s, 64 bytes), over a domain-separated message
/// (<see cref="KeysMessage"/>, <see cref="SurvivorsMessage"/>) that names the session, so a signature from one session
/// or one purpose is worthless in another. The signing key stays the caller's; the roster's keys are imported when
/// first needed (a SecAgg+ party checks only its two-hop neighbourhood) and released by <see cref="Dispose"/>, which
/// the party that uses this identity calls. Not thread-safe: one identity per party.
/// </remarks>
public sealed class SecureAggregationIdentity : IDisposable
{
    public const int SignatureBytes = 64;

    private static readonly byte[] KeysLabel = Encoding.ASCII.GetBytes("causeway/secagg/v1/signed-keys");
    private static readonly byte[] SurvivorsLabel = Encoding.ASCII.GetBytes("causeway/secagg/v1/signed-survivors");

    private readonly ECDsa _signingKey;
    private readonly IdentityRoster _roster;

    /// <param name="signingKey">This party's private identity key (P-256).</param>
    /// <param name="roster">roster[i]: party i's identity public key as a DER SubjectPublicKeyInfo, for every index of the session.</param>
    public SecureAggregationIdentity(ECDsa signingKey, IReadOnlyList<byte[]> roster)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        ArgumentNullException.ThrowIfNull(roster);
        _signingKey = signingKey;
        _roster = new IdentityRoster(roster);
    }

    public int Parties => _roster.Parties;

    /// <summary>The message a party signs in round 0: label ‖ session ‖ index ‖ c_pk ‖ s_pk.</summary>
    public static byte[] KeysMessage(string session, int party, ReadOnlySpan<byte> maskKey, ReadOnlySpan<byte> shareKey)
    {
        var sessionBytes = Encoding.UTF8.GetBytes(session);
        var message = new byte[KeysLabel.Length + 4 + sessionBytes.Length + 4 + maskKey.Length + shareKey.Length];
        var span = Header(message, KeysLabel, sessionBytes, party);
        maskKey.CopyTo(span);
        shareKey.CopyTo(span[maskKey.Length..]);
        return message;
    }

    /// <summary>The message a party signs in the consistency round: label ‖ session ‖ index ‖ its view of the survivors (ascending int32s).</summary>
    public static byte[] SurvivorsMessage(string session, int party, IReadOnlyList<int> view)
    {
        var sessionBytes = Encoding.UTF8.GetBytes(session);
        var message = new byte[SurvivorsLabel.Length + 4 + sessionBytes.Length + 4 + (4 * view.Count)];
        var span = Header(message, SurvivorsLabel, sessionBytes, party);
        for (var i = 0; i < view.Count; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[(4 * i)..], view[i]);
        }

        return message;
    }

    // The signing key may be shared by a party's concurrent sessions (training and evaluation); sign one at a time.
    internal byte[] Sign(byte[] message)
    {
        lock (_signingKey)
        {
            return _signingKey.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
    }

    internal bool Verify(int party, byte[] message, byte[]? signature) => _roster.Verify(party, message, signature);

    public void Dispose() => _roster.Dispose();

    private static Span<byte> Header(byte[] message, byte[] label, byte[] session, int party)
    {
        label.CopyTo(message, 0);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(label.Length), session.Length);
        session.CopyTo(message, label.Length + 4);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(label.Length + 4 + session.Length), party);
        return message.AsSpan(label.Length + 8 + session.Length);
    }
}

/// <summary>
/// The identity public keys of a session's parties (DER SubjectPublicKeyInfo by index), imported when first needed:
/// what a party checks its peers' signatures with, and what a coordinator that holds the parties' certificates checks
/// them with before relaying (so one party's bad signature is refused at the source instead of aborting its peers).
/// An entry that is not a P-256 key verifies nothing. Not thread-safe.
/// </summary>
public sealed class IdentityRoster : IDisposable
{
    private readonly IReadOnlyList<byte[]> _keys;
    private readonly Dictionary<int, ECDsa?> _imported = [];

    public IdentityRoster(IReadOnlyList<byte[]> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys;
    }

    public int Parties => _keys.Count;

    /// <summary>True when <paramref name="signature"/> (IEEE P1363, 64 bytes) is party <paramref name="party"/>'s over <paramref name="message"/>.</summary>
    public bool Verify(int party, byte[] message, byte[]? signature) =>
        party >= 0 && party < _keys.Count && signature is { Length: SecureAggregationIdentity.SignatureBytes } && KeyOf(party) is { } key
        && key.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public void Dispose()
    {
        foreach (var key in _imported.Values)
        {
            key?.Dispose();
        }

        _imported.Clear();
    }

    private ECDsa? KeyOf(int party)
    {
        if (_imported.TryGetValue(party, out var known))
        {
            return known;
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(_keys[party], out _);
            if (key.KeySize == 256)
            {
                _imported[party] = key;
                return key;
            }
        }
        catch (CryptographicException)
        {
        }

        key.Dispose();
        _imported[party] = null;
        return null;
    }
}
