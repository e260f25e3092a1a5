using System.Numerics.Tensors;

namespace Causeway.Privacy.SecureAggregation;

/// <summary>
/// The server (coordinator) side of the semi-honest protocol of Bonawitz et al. 2017 (Fig. 4), transport-free: it
/// routes keys and sealed shares, folds masked inputs into one running ring sum as they arrive (it never stores an
/// individual input), and removes the masks from the sum with the shares revealed in the unmasking round.
/// </summary>
/// <remarks>
/// Sets as in the paper: U1 advertised keys, U2 sent shares, U3 sent masked inputs, U4 answered the unmasking round.
/// The result is Σ_{u∈U3} x_u = Σ_{u∈U3} y_u − Σ_{u∈U3} PRG(b_u) + Σ_{u∈U2∖U3} Σ_{v∈U3} ±PRG(s_uv), where b_u and
/// c_sk_u are interpolated from t shares (t = threshold). Each round closes only with at least t parties; a close or
/// the finish that lacks them returns a failure (<see cref="Error"/>, <see cref="SecureAggregationResult.Error"/>),
/// because dropouts are an expected outcome. Messages that break the protocol throw <see cref="SecureAggregationException"/>.
/// </remarks>
public sealed class SecureAggregationServer
{
    private readonly SecureAggregationOptions _options;
    private readonly SortedDictionary<int, AdvertisedKeys> _keys = [];
    private readonly SortedDictionary<int, ShareBundle> _bundles = [];
    private readonly SortedSet<int> _inputs = [];
    private readonly SortedDictionary<int, UnmaskingResponse> _responses = [];
    private readonly uint[] _maskedSum;

    public SecureAggregationServer(SecureAggregationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        _options = options;
        _maskedSum = new uint[options.Length];
    }

    /// <summary>The round whose messages the server accepts now.</summary>
    public SecureAggregationRound Round { get; private set; } = SecureAggregationRound.AdvertiseKeys;

    /// <summary>Why the session failed (a round closed with fewer than t parties), or null.</summary>
    public string? Error { get; private set; }

    public void Receive(AdvertisedKeys message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Expect(SecureAggregationRound.AdvertiseKeys, message.Party);
        CheckParty(message.Party, _keys.ContainsKey(message.Party), "advertised keys");
        _keys[message.Party] = message;
    }

    /// <summary>Closes round 0: the directory of U1 for every party, or null (and <see cref="Error"/>) when |U1| &lt; t.</summary>
    public KeyDirectory? CloseAdvertising()
    {
        Expect(SecureAggregationRound.AdvertiseKeys, null);
        if (Fail(_keys.Count, "advertised keys"))
        {
            return null;
        }

        Round = SecureAggregationRound.ShareKeys;
        return new KeyDirectory([.. _keys.Values]);
    }

    public void Receive(ShareBundle message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Expect(SecureAggregationRound.ShareKeys, message.Party);
        CheckParty(message.Party, _bundles.ContainsKey(message.Party) || !_keys.ContainsKey(message.Party), "shares");
        var recipients = new HashSet<int>();
        foreach (var share in message.Shares)
        {
            if (share.From != message.Party || share.To == message.Party || !_keys.ContainsKey(share.To) || !recipients.Add(share.To))
            {
                throw new SecureAggregationException($"Party {message.Party} sent a share from {share.From} to {share.To}: wrong sender, unknown or repeated recipient.");
            }
        }

        if (recipients.Count != _keys.Count - 1)
        {
            throw new SecureAggregationException($"Party {message.Party} sent shares for {recipients.Count} parties; the directory has {_keys.Count - 1} other parties.");
        }

        _bundles[message.Party] = message;
    }

    /// <summary>Closes round 1: for each party of U2, the sealed shares addressed to it by U2; null when |U2| &lt; t.</summary>
    public IReadOnlyList<ShareDelivery>? CloseSharing()
    {
        Expect(SecureAggregationRound.ShareKeys, null);
        if (Fail(_bundles.Count, "shares"))
        {
            return null;
        }

        var inbox = _bundles.Keys.ToDictionary(party => party, _ => new List<EncryptedShare>(_bundles.Count - 1));
        foreach (var bundle in _bundles.Values)
        {
            foreach (var share in bundle.Shares)
            {
                if (inbox.TryGetValue(share.To, out var list))
                {
                    list.Add(share);
                }
            }
        }

        Round = SecureAggregationRound.MaskedInputCollection;
        return [.. inbox.Select(p => new ShareDelivery(p.Key, p.Value))];
    }

    /// <summary>Round 2: adds y_u to the running sum (mod 2^32); the masked vector itself is not kept.</summary>
    public void Receive(MaskedInput message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Expect(SecureAggregationRound.MaskedInputCollection, message.Party);
        CheckParty(message.Party, _inputs.Contains(message.Party) || !_bundles.ContainsKey(message.Party), "a masked input");
        if (message.Values.Length != _options.Length)
        {
            throw new SecureAggregationException($"Party {message.Party} sent a masked input of {message.Values.Length} elements; {_options.Length} are expected.");
        }

        TensorPrimitives.Add(_maskedSum, message.Values, _maskedSum);
        _inputs.Add(message.Party);
    }

    /// <summary>Closes round 2: the survivors U3 to ask for shares; null when |U3| &lt; t.</summary>
    public UnmaskingRequest? CloseInputCollection()
    {
        Expect(SecureAggregationRound.MaskedInputCollection, null);
        if (Fail(_inputs.Count, "masked inputs"))
        {
            return null;
        }

        Round = SecureAggregationRound.Unmasking;
        return new UnmaskingRequest([.. _inputs]);
    }

    public void Receive(UnmaskingResponse message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Expect(SecureAggregationRound.Unmasking, message.Party);
        CheckParty(message.Party, _responses.ContainsKey(message.Party) || !_inputs.Contains(message.Party), "unmasking shares");
        var owners = new HashSet<int>();
        var chunks = SecureAggregationCrypto.ChunksPerSecret;
        foreach (var share in message.Shares)
        {
            var expected = _inputs.Contains(share.Owner) ? SecretKind.SelfMaskSeed : SecretKind.MaskPrivateKey;
            if (!_bundles.ContainsKey(share.Owner) || !owners.Add(share.Owner) || share.Kind != expected || share.Chunks.Length != chunks)
            {
                throw new SecureAggregationException($"Party {message.Party} revealed a malformed, repeated or unexpected share of party {share.Owner}.");
            }
        }

        if (owners.Count != _bundles.Count)
        {
            throw new SecureAggregationException($"Party {message.Party} revealed shares of {owners.Count} parties; {_bundles.Count} are required.");
        }

        _responses[message.Party] = message;
    }

    /// <summary>
    /// Removes every mask and returns Σ_{u∈U3} x_u (mod 2^32), or a failure when fewer than t parties answered the
    /// unmasking round. Uses the t lowest-indexed responders, so the result does not depend on arrival order.
    /// </summary>
    public SecureAggregationResult Finish()
    {
        if (Error is not null)
        {
            return SecureAggregationResult.Failure(Error);
        }

        Expect(SecureAggregationRound.Unmasking, null);
        Round = SecureAggregationRound.Completed;
        var t = _options.Threshold;
        if (_responses.Count < t)
        {
            Error = $"Only {_responses.Count} parties answered the unmasking round; the threshold t = {t} is needed to remove the masks, so the sum cannot be recovered.";
            return SecureAggregationResult.Failure(Error);
        }

        var responders = _responses.Values.Take(t).ToArray();
        var lambdas = ShamirSecretSharing.LagrangeAtZero([.. responders.Select(r => r.Party + 1)]);
        var byOwner = responders.Select(r => r.Shares.ToDictionary(s => s.Owner)).ToArray();
        var sum = (uint[])_maskedSum.Clone();
        var secret = new byte[SecureAggregationCrypto.SecretBytes];
        Span<byte> key = stackalloc byte[MaskExpander.KeyBytes];
        using var expander = new MaskExpander(_options.Length);
        try
        {
            foreach (var owner in _bundles.Keys)
            {
                var shares = byOwner.Select(r => r[owner].Chunks).ToArray();
                if (!ShamirSecretSharing.TryReconstruct(shares, lambdas, secret))
                {
                    throw new SecureAggregationException($"The unmasking shares of party {owner} are inconsistent: the reconstructed secret is not a 32-byte value.");
                }

                if (_inputs.Contains(owner))
                {
                    SecureAggregationCrypto.SelfMaskKey(secret, _options.Session, owner, key);
                    expander.Apply(key, sum, subtract: true);
                    continue;
                }

                // A party of U2 that sent no input: its peers' inputs carry ±PRG(s_uv) that nothing cancels; add the opposite.
                using var dropped = SecureAggregationCrypto.ImportKeyPair((byte[])secret.Clone(), _keys[owner].MaskPublicKey, owner);
                foreach (var survivor in _inputs)
                {
                    using var peer = SecureAggregationCrypto.ImportPublicKey(_keys[survivor].MaskPublicKey, survivor);
                    SecureAggregationCrypto.PairMaskKey(dropped, peer, _options.Session, owner, survivor, key);
                    // Survivor v added +PRG when v < u and −PRG when v > u.
                    expander.Apply(key, sum, subtract: survivor < owner);
                }
            }
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
        }

        return SecureAggregationResult.Success(sum, [.. _inputs]);
    }

    private bool Fail(int count, string what)
    {
        if (count >= _options.Threshold)
        {
            return false;
        }

        Error = $"Only {count} parties sent {what}; at least the threshold t = {_options.Threshold} are required, so the session is aborted.";
        Round = SecureAggregationRound.Completed;
        return true;
    }

    private void CheckParty(int party, bool refused, string what)
    {
        if (party < 0 || party >= _options.Parties || refused)
        {
            throw new SecureAggregationException($"Refused {what} from party {party}: unknown, not in the previous round's set, or already received.");
        }
    }

    private void Expect(SecureAggregationRound round, int? party)
    {
        if (Round != round)
        {
            throw new SecureAggregationException(party is { } p
                ? $"Party {p} sent a {round} message while the server is in round {Round}."
                : $"The server is in round {Round}; {round} cannot be closed.");
        }
    }
}
