using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Causeway.Privacy.SecureAggregation;

/// <summary>
/// One party of the semi-honest secure aggregation protocol of Bonawitz et al. 2017 (Fig. 4), as a transport-free
/// state machine: <see cref="Advertise"/> → <see cref="ShareKeys"/> → <see cref="MaskInput(ShareDelivery, ReadOnlySpan{uint})"/>
/// → <see cref="Unmask"/>, each callable once and in that order.
/// </summary>
/// <remarks>
/// Party i sends y_i = x_i + PRG(b_i) + Σ_{j∈U2, i&lt;j} PRG(s_ij) − Σ_{j∈U2, i&gt;j} PRG(s_ij) (mod 2^32), where
/// s_ij is the ECDH agreement of the mask keys c_i, c_j (equal for both ends, so the pairwise terms cancel in the sum)
/// and b_i a fresh 32-byte seed. b_i and the private scalar of c_i are Shamir-shared with threshold t, each peer's shares
/// sealed with AES-GCM under a key from the ECDH agreement of the share keys, which the server never learns.
/// All secrets come from <see cref="RandomNumberGenerator"/>; the key pairs are fresh per session.
/// </remarks>
public sealed class SecureAggregationParty : IDisposable
{
    private readonly SecureAggregationOptions _options;
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

    public SecureAggregationParty(SecureAggregationOptions options, int index)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, options.Parties);
        _options = options;
        Index = index;
    }

    public int Index { get; }

    /// <summary>The round this party expects next.</summary>
    public SecureAggregationRound Round { get; private set; } = SecureAggregationRound.AdvertiseKeys;

    /// <summary>Round 0: the public keys c_pk and s_pk.</summary>
    public AdvertisedKeys Advertise()
    {
        Expect(SecureAggregationRound.AdvertiseKeys);
        _advertisedMask = SecureAggregationCrypto.ExportPublicKey(_maskKey);
        _advertisedShare = SecureAggregationCrypto.ExportPublicKey(_shareKey);
        Round = SecureAggregationRound.ShareKeys;
        return new AdvertisedKeys(Index, (byte[])_advertisedMask.Clone(), (byte[])_advertisedShare.Clone());
    }

    /// <summary>Round 1: Shamir shares of b_i and c_sk_i for every other party of the directory, each sealed for its recipient.</summary>
    public ShareBundle ShareKeys(KeyDirectory directory)
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

            _peers[keys.Party] = new PeerKeys(
                SecureAggregationCrypto.ImportPublicKey(keys.MaskPublicKey, keys.Party),
                SecureAggregationCrypto.ImportPublicKey(keys.SharePublicKey, keys.Party));
        }

        if (!self)
        {
            throw new SecureAggregationException($"The key directory does not carry party {Index}'s own advertised keys.");
        }

        if (directory.Keys.Count < _options.Threshold)
        {
            throw new SecureAggregationException($"The key directory lists {directory.Keys.Count} parties, fewer than the threshold {_options.Threshold}.");
        }

        var chunks = SecureAggregationCrypto.ChunksPerSecret;
        var n = _options.Parties;
        var seedShares = new ulong[n * chunks];
        var keyShares = new ulong[n * chunks];
        var privateKey = _maskKey.ExportParameters(true).D!;
        var plaintext = new byte[SecureAggregationCrypto.SharePlaintextBytes];
        Span<byte> key = stackalloc byte[32];
        try
        {
            ShamirSecretSharing.Split(_selfMaskSeed, _options.Threshold, n, seedShares);
            ShamirSecretSharing.Split(privateKey, _options.Threshold, n, keyShares);
            _heldShares[Index] = [.. seedShares.AsSpan(Index * chunks, chunks), .. keyShares.AsSpan(Index * chunks, chunks)];

            var sealedShares = new List<EncryptedShare>(_peers.Count);
            foreach (var (peer, keys) in _peers.OrderBy(p => p.Key))
            {
                SecureAggregationCrypto.ShareKey(_shareKey, keys.Share, _options.Session, Index, peer, key);
                _sealingKeys[peer] = key.ToArray();
                BinaryPrimitives.WriteInt32LittleEndian(plaintext, Index);
                BinaryPrimitives.WriteInt32LittleEndian(plaintext.AsSpan(4), peer);
                for (var k = 0; k < chunks; k++)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(plaintext.AsSpan(8 + (8 * k)), seedShares[(peer * chunks) + k]);
                    BinaryPrimitives.WriteUInt64LittleEndian(plaintext.AsSpan(8 + (8 * (chunks + k))), keyShares[(peer * chunks) + k]);
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

        Round = SecureAggregationRound.Unmasking;
        return new MaskedInput(Index, values);
    }

    /// <summary>
    /// Round 3: for every peer this party masked against, the b-share when the peer's input was included (it is in
    /// <see cref="UnmaskingRequest.Survivors"/>), otherwise the c_sk-share; never both.
    /// </summary>
    public UnmaskingResponse Unmask(UnmaskingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Expect(SecureAggregationRound.Unmasking);
        var survivors = new HashSet<int>(request.Survivors);
        if (survivors.Count != request.Survivors.Count || !survivors.Contains(Index))
        {
            throw new SecureAggregationException($"The unmasking request to party {Index} lists a party twice or omits party {Index}.");
        }

        if (survivors.Count < _options.Threshold)
        {
            throw new SecureAggregationException($"The unmasking request lists {survivors.Count} survivors, fewer than the threshold {_options.Threshold}: refusing to reveal shares.");
        }

        foreach (var survivor in survivors)
        {
            if (!_heldShares.ContainsKey(survivor))
            {
                throw new SecureAggregationException($"The unmasking request lists party {survivor}, which did not complete the share round.");
            }
        }

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

    public void Dispose()
    {
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

    private void Expect(SecureAggregationRound round)
    {
        if (Round != round)
        {
            throw new InvalidOperationException($"Party {Index} is in round {Round}; {round} was called.");
        }
    }

    private sealed record PeerKeys(ECDiffieHellmanPublicKey Mask, ECDiffieHellmanPublicKey Share);
}
