using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Causeway.Privacy.SecureAggregation;

/// <summary>
/// One party of the secure aggregation protocol of Bonawitz et al. 2017 (Fig. 4, and Fig. 5's signatures and consistency
/// round when <see cref="SecureAggregationOptions.Authenticated"/>) on the peer graph of Bell et al. 2020 when the
/// options give a degree, as a transport-free state machine: <see cref="Advertise"/> → <see cref="ShareKeys"/> →
/// <see cref="MaskInput(ShareDelivery, ReadOnlySpan{uint})"/> → (<see cref="ConfirmSurvivors"/>) → <see cref="Unmask"/>,
/// each callable once and in that order.
/// </summary>
/// <remarks>
/// Party i sends y_i = x_i + PRG(b_i) + Σ_{j∈U2∩N(i), i&lt;j} PRG(s_ij) − Σ_{j∈U2∩N(i), i&gt;j} PRG(s_ij) (mod 2^32),
/// where N(i) are its neighbours in <see cref="MaskingGraph"/> (every other party in SecAgg), s_ij is the ECDH
/// agreement of the mask keys c_i, c_j (equal for both ends, so the pairwise terms cancel in the sum) and b_i a fresh
/// 32-byte seed. b_i and the private scalar of c_i are Shamir-shared with threshold t among i's neighbourhood, each
/// neighbour's shares sealed with AES-GCM under a key from the ECDH agreement of the share keys, which the server never
/// learns. All secrets come from <see cref="RandomNumberGenerator"/>; the key pairs are fresh per session.
/// </remarks>
public sealed class SecureAggregationParty : IDisposable
{
    private readonly SecureAggregationOptions _options;
    private readonly MaskingGraph _graph;
    private readonly SecureAggregationIdentity? _identity;
    private readonly ECDiffieHellman _maskKey = SecureAggregationCrypto.CreateKeyPair();
    private readonly ECDiffieHellman _shareKey = SecureAggregationCrypto.CreateKeyPair();
    private readonly byte[] _selfMaskSeed = RandomNumberGenerator.GetBytes(SecureAggregationCrypto.SecretBytes);
    private readonly Dictionary<int, PeerKeys> _peers = [];
    private readonly Dictionary<int, byte[]> _sealingKeys = [];

    // Shares of each owner's secrets held by this party, owner → [b-share ‖ c_sk-share] (this party's own included).
    private readonly Dictionary<int, ulong[]> _heldShares = [];
    private int[] _maskPeers = [];
    private byte[]? _advertisedMask;
    private byte[]? _advertisedShare;
    private int[]? _signedView;
    private SurvivorSignature? _signature;

    // One step at a time: a retried or duplicated step must not, for instance, sign two views or reveal both shares of a peer.
    private readonly Lock _gate = new();

    /// <param name="options">The session's public parameters.</param>
    /// <param name="index">This party's index, 0..N−1.</param>
    /// <param name="identity">This party's identity and the roster of every party's identity key; required exactly when the session is authenticated. The party disposes it.</param>
    /// <param name="graph">The session's graph when the caller already built it (it must be <paramref name="options"/>' graph); built from the options otherwise.</param>
    public SecureAggregationParty(SecureAggregationOptions options, int index, SecureAggregationIdentity? identity = null, MaskingGraph? graph = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, options.Parties);
        if (options.Authenticated != identity is not null || (identity is not null && identity.Parties != options.Parties))
        {
            throw new ArgumentException(options.Authenticated
                ? $"An authenticated session needs this party's identity and a roster of {options.Parties} identity keys."
                : "An identity is only used in an authenticated session.", nameof(identity));
        }

        _options = options;
        _identity = identity;
        _graph = graph ?? options.CreateGraph();
        Index = index;
    }

    public int Index { get; }

    /// <summary>The round this party expects next.</summary>
    public SecureAggregationRound Round { get; private set; } = SecureAggregationRound.AdvertiseKeys;

    /// <summary>Round 0: the public keys c_pk and s_pk.</summary>
    public AdvertisedKeys Advertise()
    {
        lock (_gate)
        {
            Expect(SecureAggregationRound.AdvertiseKeys);
            _advertisedMask = SecureAggregationCrypto.ExportPublicKey(_maskKey);
            _advertisedShare = SecureAggregationCrypto.ExportPublicKey(_shareKey);
            Round = SecureAggregationRound.ShareKeys;
            var signature = _identity?.Sign(SecureAggregationIdentity.KeysMessage(_options.Session, Index, _advertisedMask, _advertisedShare));
            return new AdvertisedKeys(Index, (byte[])_advertisedMask.Clone(), (byte[])_advertisedShare.Clone(), signature);
        }
    }

    /// <summary>
    /// Round 1: Shamir shares of b_i and c_sk_i for every neighbour in the directory, each sealed for its recipient.
    /// Entries of parties that are not neighbours are ignored; in an authenticated session every neighbour's entry must
    /// carry its identity signature.
    /// </summary>
    public ShareBundle ShareKeys(KeyDirectory directory)
    {
        lock (_gate)
        {
            ArgumentNullException.ThrowIfNull(directory);
            Expect(SecureAggregationRound.ShareKeys);
            var seen = new HashSet<int>();
            var self = false;
            foreach (var keys in directory.Keys)
            {
                if (keys.Party < 0 || keys.Party >= _options.Parties || !seen.Add(keys.Party))
                {
                    throw new SecureAggregationException($"The key directory lists party {keys.Party} twice or out of range 0..{_options.Parties - 1}.");
                }

                if (keys.Party == Index)
                {
                    self = keys.MaskPublicKey.AsSpan().SequenceEqual(_advertisedMask) && keys.SharePublicKey.AsSpan().SequenceEqual(_advertisedShare);
                    continue;
                }

                if (!_graph.AreNeighbours(Index, keys.Party))
                {
                    continue;
                }

                if (_identity is not null
                    && !_identity.Verify(keys.Party, SecureAggregationIdentity.KeysMessage(_options.Session, keys.Party, keys.MaskPublicKey, keys.SharePublicKey), keys.Signature))
                {
                    throw new SecureAggregationException($"The key directory carries keys for party {keys.Party} that party {keys.Party} did not sign: the coordinator substituted or forged them. Party {Index} aborts the session.");
                }

                _peers[keys.Party] = new PeerKeys(
                    SecureAggregationCrypto.ImportPublicKey(keys.MaskPublicKey, keys.Party),
                    SecureAggregationCrypto.ImportPublicKey(keys.SharePublicKey, keys.Party));
            }

            if (!self)
            {
                throw new SecureAggregationException($"The key directory does not carry party {Index}'s own advertised keys.");
            }

            if (_peers.Count + 1 < _options.Threshold)
            {
                throw new SecureAggregationException($"The key directory lists {_peers.Count + 1} parties of party {Index}'s neighbourhood, fewer than the threshold {_options.Threshold}.");
            }

            // Share x-coordinates: index + 1 of this party and of each neighbour in the directory.
            var recipients = _peers.Keys.Append(Index).Order().ToArray();
            var xs = recipients.Select(r => r + 1).ToArray();
            var chunks = SecureAggregationCrypto.ChunksPerSecret;
            var seedShares = new ulong[recipients.Length * chunks];
            var keyShares = new ulong[recipients.Length * chunks];
            var privateKey = _maskKey.ExportParameters(true).D!;
            var plaintext = new byte[SecureAggregationCrypto.SharePlaintextBytes];
            Span<byte> key = stackalloc byte[32];
            try
            {
                ShamirSecretSharing.Split(_selfMaskSeed, _options.Threshold, xs, seedShares);
                ShamirSecretSharing.Split(privateKey, _options.Threshold, xs, keyShares);
                var sealedShares = new List<EncryptedShare>(_peers.Count);
                for (var j = 0; j < recipients.Length; j++)
                {
                    var peer = recipients[j];
                    if (peer == Index)
                    {
                        _heldShares[Index] = [.. seedShares.AsSpan(j * chunks, chunks), .. keyShares.AsSpan(j * chunks, chunks)];
                        continue;
                    }

                    SecureAggregationCrypto.ShareKey(_shareKey, _peers[peer].Share, _options.Session, Index, peer, key);
                    _sealingKeys[peer] = key.ToArray();
                    BinaryPrimitives.WriteInt32LittleEndian(plaintext, Index);
                    BinaryPrimitives.WriteInt32LittleEndian(plaintext.AsSpan(4), peer);
                    for (var k = 0; k < chunks; k++)
                    {
                        BinaryPrimitives.WriteUInt64LittleEndian(plaintext.AsSpan(8 + (8 * k)), seedShares[(j * chunks) + k]);
                        BinaryPrimitives.WriteUInt64LittleEndian(plaintext.AsSpan(8 + (8 * (chunks + k))), keyShares[(j * chunks) + k]);
                    }
                    sealedShares.Add(new EncryptedShare(Index, peer, SecureAggregationCrypto.Seal(key, Index, peer, plaintext)));
                }

                Round = SecureAggregationRound.MaskedInputCollection;
                return new ShareBundle(Index, sealedShares);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(seedShares.AsSpan()));
                CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(keyShares.AsSpan()));
                CryptographicOperations.ZeroMemory(privateKey);
                CryptographicOperations.ZeroMemory(plaintext);
                CryptographicOperations.ZeroMemory(key);
            }
        }
    }

    /// <summary>Round 2 with a float input: quantises with the session's <see cref="FixedPointQuantization"/>, then masks.</summary>
    public MaskedInput MaskInput(ShareDelivery delivery, ReadOnlySpan<float> input)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(input.Length, _options.Length, nameof(input));
        var quantised = new uint[input.Length];
        _options.Quantization.Quantize(input, quantised);
        return MaskInput(delivery, quantised);
    }

    /// <summary>
    /// Round 2: opens the shares addressed to this party (a share that fails AES-GCM authentication is refused with a
    /// <see cref="SecureAggregationException"/>), then returns the masked ring input y_i.
    /// </summary>
    public MaskedInput MaskInput(ShareDelivery delivery, ReadOnlySpan<uint> quantised)
    {
        lock (_gate)
        {
            ArgumentNullException.ThrowIfNull(delivery);
            ArgumentOutOfRangeException.ThrowIfNotEqual(quantised.Length, _options.Length, nameof(quantised));
            Expect(SecureAggregationRound.MaskedInputCollection);
            if (delivery.To != Index)
            {
                throw new SecureAggregationException($"Party {Index} was handed the share delivery of party {delivery.To}.");
            }

            OpenShares(delivery.Shares);
            if (_maskPeers.Length + 1 < _options.Threshold)
            {
                throw new SecureAggregationException($"Only {_maskPeers.Length + 1} parties completed the share round, fewer than the threshold {_options.Threshold}.");
            }

            var values = quantised.ToArray();
            Span<byte> key = stackalloc byte[MaskExpander.KeyBytes];
            using var expander = new MaskExpander(_options.Length);
            try
            {
                SecureAggregationCrypto.SelfMaskKey(_selfMaskSeed, _options.Session, Index, key);
                expander.Apply(key, values, subtract: false);
                foreach (var peer in _maskPeers)
                {
                    SecureAggregationCrypto.PairMaskKey(_maskKey, _peers[peer].Mask, _options.Session, Index, peer, key);
                    // +PRG(s_ij) when i < j, −PRG(s_ij) when i > j: each pair's two terms cancel in the sum.
                    expander.Apply(key, values, subtract: Index > peer);
                }
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }

            Round = _identity is null ? SecureAggregationRound.Unmasking : SecureAggregationRound.ConsistencyCheck;
            return new MaskedInput(Index, values);
        }
    }

    /// <summary>
    /// The consistency round of an authenticated session: checks the server's survivor list and signs this party's
    /// view of it (the survivors in its neighbourhood), which it will hold the server to in <see cref="Unmask"/>.
    /// </summary>
    public SurvivorSignature ConfirmSurvivors(UnmaskingRequest request)
    {
        lock (_gate)
        {
            ArgumentNullException.ThrowIfNull(request);
            if (_signature is { } signed && Round == SecureAggregationRound.Unmasking && ViewOf(request).AsSpan().SequenceEqual(_signedView))
            {
                return signed; // A retried step: the same view gets the same signature, never a second view.
            }

            Expect(SecureAggregationRound.ConsistencyCheck);
            var view = ViewOf(request);
            _signedView = view;
            Round = SecureAggregationRound.Unmasking;
            _signature = new SurvivorSignature(Index, view, _identity!.Sign(SecureAggregationIdentity.SurvivorsMessage(_options.Session, Index, view)));
            return _signature;
        }
    }

    /// <summary>
    /// Round 4: for every neighbour whose shares this party holds, the b-share when the neighbour's input was included
    /// (it is in <see cref="UnmaskingRequest.Survivors"/>), otherwise the c_sk-share; never both. In an authenticated
    /// session, first checks that the survivors are the ones it signed and that, for every such neighbour u, at least t
    /// members of u's neighbourhood signed the same verdict on u; otherwise it aborts, naming the cause.
    /// </summary>
    public UnmaskingResponse Unmask(UnmaskingRequest request)
    {
        lock (_gate)
        {
            ArgumentNullException.ThrowIfNull(request);
            Expect(SecureAggregationRound.Unmasking);
            var view = ViewOf(request);
            if (_identity is not null)
            {
                CheckConsistency(view, request.Signatures);
            }

            var survivors = new HashSet<int>(view);
            var chunks = SecureAggregationCrypto.ChunksPerSecret;
            var revealed = new List<RevealedShare>(_heldShares.Count);
            foreach (var (owner, shares) in _heldShares.OrderBy(p => p.Key))
            {
                revealed.Add(survivors.Contains(owner)
                    ? new RevealedShare(owner, SecretKind.SelfMaskSeed, shares[..chunks])
                    : new RevealedShare(owner, SecretKind.MaskPrivateKey, shares[chunks..]));
            }

            Round = SecureAggregationRound.Completed;
            return new UnmaskingResponse(Index, revealed);
        }
    }

    public void Dispose()
    {
        _identity?.Dispose();
        CryptographicOperations.ZeroMemory(_selfMaskSeed);
        foreach (var key in _sealingKeys.Values)
        {
            CryptographicOperations.ZeroMemory(key);
        }

        foreach (var peer in _peers.Values)
        {
            peer.Mask.Dispose();
            peer.Share.Dispose();
        }

        _maskKey.Dispose();
        _shareKey.Dispose();
    }

    private void OpenShares(IReadOnlyList<EncryptedShare> shares)
    {
        var chunks = SecureAggregationCrypto.ChunksPerSecret;
        var plaintext = new byte[SecureAggregationCrypto.SharePlaintextBytes];
        var senders = new List<int>(shares.Count);
        try
        {
            foreach (var share in shares)
            {
                if (share.To != Index || !_sealingKeys.TryGetValue(share.From, out var key) || _heldShares.ContainsKey(share.From))
                {
                    throw new SecureAggregationException($"Party {Index} refused a share from party {share.From} to party {share.To}: misaddressed, unknown sender or duplicate.");
                }

                if (!SecureAggregationCrypto.TryOpen(key, share.From, share.To, share.Ciphertext, plaintext)
                    || BinaryPrimitives.ReadInt32LittleEndian(plaintext) != share.From
                    || BinaryPrimitives.ReadInt32LittleEndian(plaintext.AsSpan(4)) != Index)
                {
                    throw new SecureAggregationException($"Party {Index} refused the share from party {share.From}: it failed AES-GCM authentication (tampered or forged).");
                }

                var held = new ulong[2 * chunks];
                for (var k = 0; k < held.Length; k++)
                {
                    held[k] = BinaryPrimitives.ReadUInt64LittleEndian(plaintext.AsSpan(8 + (8 * k)));
                }

                if (held.AsSpan().ContainsAnyInRange(PrimeField61.P, ulong.MaxValue))
                {
                    throw new SecureAggregationException($"Party {Index} refused the share from party {share.From}: its values are not elements of GF(2^61 − 1).");
                }

                _heldShares[share.From] = held;
                senders.Add(share.From);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }

        senders.Sort();
        _maskPeers = [.. senders];
    }

    // The survivors in this party's neighbourhood, after the checks every request must pass.
    private int[] ViewOf(UnmaskingRequest request)
    {
        var survivors = new HashSet<int>(request.Survivors);
        if (survivors.Count != request.Survivors.Count || !survivors.Contains(Index))
        {
            throw new SecureAggregationException($"The survivor list sent to party {Index} lists a party twice or omits party {Index}.");
        }

        var view = survivors.Where(s => s == Index || _graph.AreNeighbours(Index, s)).Order().ToArray();
        if (view.Length < _options.Threshold)
        {
            throw new SecureAggregationException($"The survivor list names {view.Length} parties of party {Index}'s neighbourhood, fewer than the threshold {_options.Threshold}: refusing to reveal shares.");
        }

        foreach (var survivor in view)
        {
            if (!_heldShares.ContainsKey(survivor))
            {
                throw new SecureAggregationException($"The survivor list names party {survivor}, which did not complete the share round with party {Index}.");
            }
        }

        return view;
    }

    // Bonawitz et al.'s consistency check, per owner: t members of each owner's neighbourhood must have signed a view
    // that agrees with this party's verdict on that owner. Each honest party signs one view, so a server that told some
    // neighbours "u survived" and others "u dropped" cannot collect t signatures for both verdicts when 2t > k + 1 + colluders.
    private void CheckConsistency(int[] view, IReadOnlyList<SurvivorSignature>? signatures)
    {
        if (!view.AsSpan().SequenceEqual(_signedView))
        {
            throw new SecureAggregationException($"The coordinator changed the survivor list between the consistency round and unmasking (party {Index} signed [{string.Join(", ", _signedView!)}], now [{string.Join(", ", view)}]): it is lying about dropouts. Party {Index} aborts without revealing shares.");
        }

        if (signatures is null)
        {
            throw new SecureAggregationException($"The unmasking request to party {Index} carries no survivor signatures; an authenticated session needs them before any share is revealed.");
        }

        // On the complete graph an empty view stands for this party's own list (UnmaskingRequest.For): it verifies only if
        // the signer was shown the same list.
        var survivors = new HashSet<int>(view);
        var valid = new Dictionary<int, HashSet<int>>();
        foreach (var signature in signatures)
        {
            if (valid.ContainsKey(signature.Party) || !SignsForAnOwner(signature.Party))
            {
                continue;
            }

            var implicitView = signature.View.Count == 0 && _graph.IsComplete;
            var signed = implicitView ? view : signature.View;
            if (!_identity!.Verify(signature.Party, SecureAggregationIdentity.SurvivorsMessage(_options.Session, signature.Party, signed), signature.Signature))
            {
                throw new SecureAggregationException($"The survivor list signature of party {signature.Party} does not verify under its identity key: the coordinator forged or altered it, or showed that party another list. Party {Index} aborts without revealing shares.");
            }

            valid[signature.Party] = implicitView ? survivors : [.. signature.View];
        }

        foreach (var owner in _heldShares.Keys.Order())
        {
            var verdict = survivors.Contains(owner);
            var agreeing = 0;
            foreach (var member in _graph.Neighbourhood(owner))
            {
                if (valid.TryGetValue(member, out var signed) && signed.Contains(owner) == verdict)
                {
                    agreeing++;
                }
            }

            if (agreeing < _options.Threshold)
            {
                throw new SecureAggregationException($"Only {agreeing} members of party {owner}'s neighbourhood signed that party {owner} {(verdict ? "sent its masked input" : "dropped")}, as the coordinator told party {Index}; t = {_options.Threshold} are required. The coordinator may be telling parties different stories about who dropped: party {Index} aborts without revealing shares.");
            }
        }
    }

    // Whether a signer is in the neighbourhood of some party whose shares this party holds (this party included).
    private bool SignsForAnOwner(int party) => _heldShares.Keys.Any(owner => owner == party || _graph.AreNeighbours(owner, party));

    private void Expect(SecureAggregationRound round)
    {
        if (Round != round)
        {
            throw new InvalidOperationException($"Party {Index} is in round {Round}; {round} was called.");
        }
    }

    private sealed record PeerKeys(ECDiffieHellmanPublicKey Mask, ECDiffieHellmanPublicKey Share);
}
