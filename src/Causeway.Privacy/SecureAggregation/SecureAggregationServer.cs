using System.Numerics.Tensors;

namespace Causeway.Privacy.SecureAggregation;

/// <summary>
/// The server (coordinator) side of secure aggregation (Bonawitz et al. 2017; on the sparse graph of Bell et al. 2020
/// when the options give a degree), transport-free: it routes keys and sealed shares, folds masked inputs into one
/// running ring sum as they arrive (it never stores an individual input), relays survivor signatures in an
/// authenticated session, and removes the masks from the sum with the shares revealed in the unmasking round.
/// </summary>
/// <remarks>
/// Sets as in the paper: U1 advertised keys, U2 sent shares, U3 sent masked inputs, U4 signed the survivor list
/// (authenticated sessions), U5 answered the unmasking round. The result is Σ_{u∈U3} x_u = Σ_{u∈U3} y_u −
/// Σ_{u∈U3} PRG(b_u) + Σ_{u∈U2∖U3} Σ_{v∈U3∩N(u)} ±PRG(s_uv), where b_u and c_sk_u are interpolated from t shares held
/// in u's neighbourhood N[u] (every party in SecAgg). Each round closes only with at least t parties; a close or the
/// finish that lacks them returns a failure (<see cref="Error"/>, <see cref="SecureAggregationResult.Error"/>), because
/// dropouts are an expected outcome. Messages that break the protocol throw <see cref="SecureAggregationException"/>.
/// </remarks>
public sealed class SecureAggregationServer
{
    private readonly SecureAggregationOptions _options;
    private readonly MaskingGraph _graph;
    private readonly IdentityRoster? _roster;
    private readonly SortedDictionary<int, AdvertisedKeys> _keys = [];
    private readonly SortedDictionary<int, ShareBundle> _bundles = [];
    private readonly SortedSet<int> _inputs = [];
    private readonly SortedDictionary<int, SurvivorSignature> _signatures = [];
    private readonly SortedDictionary<int, UnmaskingResponse> _responses = [];
    private readonly uint[] _maskedSum;

    /// <param name="options">The session's public parameters.</param>
    /// <param name="graph">The session's graph when the caller already built it; built from the options otherwise.</param>
    /// <param name="roster">
    /// An authenticated session's identity keys when the server holds them (a coordinator with the parties' certificates):
    /// a message whose signature does not verify is refused at once, so one party cannot make its peers abort.
    /// </param>
    public SecureAggregationServer(SecureAggregationOptions options, MaskingGraph? graph = null, IdentityRoster? roster = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        _options = options;
        _roster = roster;
        _graph = graph ?? options.CreateGraph();
        _maskedSum = new uint[options.Length];
    }

    /// <summary>The session's peer graph.</summary>
    public MaskingGraph Graph => _graph;

    /// <summary>The round whose messages the server accepts now.</summary>
    public SecureAggregationRound Round { get; private set; } = SecureAggregationRound.AdvertiseKeys;

    /// <summary>Why the session failed (a round closed with fewer than t parties), or null.</summary>
    public string? Error { get; private set; }

    public void Receive(AdvertisedKeys message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Expect(SecureAggregationRound.AdvertiseKeys, message.Party);
        CheckParty(message.Party, _keys.ContainsKey(message.Party), "advertised keys");
        if (_options.Authenticated && message.Signature is not { Length: SecureAggregationIdentity.SignatureBytes })
        {
            throw new SecureAggregationException($"Party {message.Party} advertised keys without an identity signature; the session is authenticated.");
        }

        if (_options.Authenticated && _roster is not null
            && !_roster.Verify(message.Party, SecureAggregationIdentity.KeysMessage(_options.Session, message.Party, message.MaskPublicKey, message.SharePublicKey), message.Signature))
        {
            throw new SecureAggregationException($"Party {message.Party}'s keys carry a signature that does not verify under its certificate.");
        }

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
            if (share.From != message.Party || !_graph.AreNeighbours(share.From, share.To) || !_keys.ContainsKey(share.To) || !recipients.Add(share.To))
            {
                throw new SecureAggregationException($"Party {message.Party} sent a share from {share.From} to {share.To}: wrong sender, not a neighbour, unknown or repeated recipient.");
            }
        }

        var expected = Neighbours(message.Party, _keys.ContainsKey, includeSelf: false).Count();
        if (recipients.Count != expected)
        {
            throw new SecureAggregationException($"Party {message.Party} sent shares for {recipients.Count} parties; the directory has {expected} of its neighbours.");
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

        var inbox = _bundles.Keys.ToDictionary(party => party, _ => new List<EncryptedShare>(_graph.Degree));
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

    /// <summary>
    /// Closes round 2: the survivors U3, to ask for shares (or, in an authenticated session, to sign first); null when
    /// |U3| &lt; t.
    /// </summary>
    public UnmaskingRequest? CloseInputCollection()
    {
        Expect(SecureAggregationRound.MaskedInputCollection, null);
        if (Fail(_inputs.Count, "masked inputs"))
        {
            return null;
        }

        Round = _options.Authenticated ? SecureAggregationRound.ConsistencyCheck : SecureAggregationRound.Unmasking;
        return new UnmaskingRequest([.. _inputs]);
    }

    /// <summary>The consistency round: a survivor's signed view, which must be exactly the survivors in its neighbourhood.</summary>
    public void Receive(SurvivorSignature message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Expect(SecureAggregationRound.ConsistencyCheck, message.Party);
        CheckParty(message.Party, _signatures.ContainsKey(message.Party) || !_inputs.Contains(message.Party), "a survivor signature");
        if (!message.View.SequenceEqual(Neighbours(message.Party, _inputs.Contains, includeSelf: true))
            || message.Signature is not { Length: SecureAggregationIdentity.SignatureBytes })
        {
            throw new SecureAggregationException($"Party {message.Party} signed a survivor list that is not the one it was sent, or sent a malformed signature.");
        }

        if (_roster is not null && !_roster.Verify(message.Party, SecureAggregationIdentity.SurvivorsMessage(_options.Session, message.Party, message.View), message.Signature))
        {
            throw new SecureAggregationException($"Party {message.Party}'s survivor signature does not verify under its certificate.");
        }

        _signatures[message.Party] = message;
    }

    /// <summary>Closes the consistency round: the survivors with every signature, to ask for shares; null when fewer than t signed.</summary>
    public UnmaskingRequest? CloseConsistencyCheck()
    {
        Expect(SecureAggregationRound.ConsistencyCheck, null);
        if (Fail(_signatures.Count, "survivor signatures"))
        {
            return null;
        }

        Round = SecureAggregationRound.Unmasking;
        return new UnmaskingRequest([.. _inputs], [.. _signatures.Values]);
    }

    public void Receive(UnmaskingResponse message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Expect(SecureAggregationRound.Unmasking, message.Party);
        var answered = _options.Authenticated ? _signatures.ContainsKey(message.Party) : _inputs.Contains(message.Party);
        CheckParty(message.Party, _responses.ContainsKey(message.Party) || !answered, "unmasking shares");
        var previous = -1;
        var chunks = SecureAggregationCrypto.ChunksPerSecret;
        foreach (var share in message.Shares)
        {
            var expected = _inputs.Contains(share.Owner) ? SecretKind.SelfMaskSeed : SecretKind.MaskPrivateKey;
            var held = share.Owner == message.Party || _graph.AreNeighbours(message.Party, share.Owner);
            if (!_bundles.ContainsKey(share.Owner) || !held || share.Owner <= previous || share.Kind != expected || share.Chunks.Length != chunks)
            {
                throw new SecureAggregationException($"Party {message.Party} revealed a malformed, repeated, out-of-order or unexpected share of party {share.Owner}.");
            }

            previous = share.Owner;
        }

        var required = Neighbours(message.Party, _bundles.ContainsKey, includeSelf: true).Count();
        if (message.Shares.Count != required)
        {
            throw new SecureAggregationException($"Party {message.Party} revealed shares of {message.Shares.Count} parties; {required} of its neighbourhood completed the share round.");
        }

        _responses[message.Party] = message;
    }

    /// <summary>
    /// Removes every mask and returns Σ_{u∈U3} x_u (mod 2^32), or a failure when some party's secret cannot be rebuilt
    /// (fewer than t members of its neighbourhood answered the unmasking round). Each secret uses the t lowest-indexed
    /// responders of its neighbourhood, so the result does not depend on arrival order.
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

        var sum = (uint[])_maskedSum.Clone();
        var secret = new byte[SecureAggregationCrypto.SecretBytes];
        Span<byte> key = stackalloc byte[MaskExpander.KeyBytes];
        using var expander = new MaskExpander(_options.Length);
        int[] lastResponders = [];
        ulong[] lambdas = [];
        var shares = new ulong[t][];
        try
        {
            foreach (var owner in _bundles.Keys)
            {
                if (!_inputs.Contains(owner) && !Neighbours(owner, _inputs.Contains, includeSelf: false).Any())
                {
                    continue; // It dropped and no input carries a mask shared with it: nothing to cancel.
                }

                var responders = Neighbours(owner, _responses.ContainsKey, includeSelf: true).Take(t).ToArray();
                if (responders.Length < t)
                {
                    Error = $"Only {responders.Length} parties of party {owner}'s neighbourhood answered the unmasking round; t = {t} are needed to rebuild its {(_inputs.Contains(owner) ? "self-mask" : "mask key")}, so the sum cannot be recovered.";
                    return SecureAggregationResult.Failure(Error);
                }

                if (!responders.AsSpan().SequenceEqual(lastResponders))
                {
                    lambdas = ShamirSecretSharing.LagrangeAtZero([.. responders.Select(r => r + 1)]);
                    lastResponders = responders;
                }

                for (var i = 0; i < t; i++)
                {
                    shares[i] = ShareOf(_responses[responders[i]], owner);
                }

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

                // A party of U2 that sent no input: its neighbours' inputs carry ±PRG(s_uv) that nothing cancels; add the opposite.
                using var dropped = SecureAggregationCrypto.ImportKeyPair((byte[])secret.Clone(), _keys[owner].MaskPublicKey, owner);
                foreach (var survivor in Neighbours(owner, _inputs.Contains, includeSelf: false))
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

    // The members of a party's neighbourhood (ascending) in one of the server's sets: O(k) in SecAgg+, not O(N).
    private IEnumerable<int> Neighbours(int party, Func<int, bool> inSet, bool includeSelf) =>
        (includeSelf ? _graph.Neighbourhood(party) : _graph.Neighbours(party)).Where(inSet);

    // Responses list shares by ascending owner (validated on receipt), so a binary search finds one.
    private static ulong[] ShareOf(UnmaskingResponse response, int owner)
    {
        var shares = response.Shares;
        int low = 0, high = shares.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var current = shares[middle].Owner;
            if (current == owner)
            {
                return shares[middle].Chunks;
            }

            if (current < owner)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        throw new SecureAggregationException($"Party {response.Party} revealed no share of party {owner}.");
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
