using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Causeway.Privacy.SecureAggregation;

/// <summary>
/// Key agreement, key derivation and share sealing shared by parties and the server.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Key agreement: ECDH on P-256; the shared secret is the 32-byte x-coordinate of the agreed point.</item>
/// <item>Keys: HKDF-SHA256(ikm = whole secret, salt = UTF-8 session label, info = purpose ‖ min(i,j) ‖ max(i,j)) → 32 bytes,
/// so each pair, purpose and session gets an independent key with the full entropy of the secret.</item>
/// <item>Shares: AES-256-GCM, nonce = from ‖ to ‖ 0 (each direction of a pair seals exactly one message per session key),
/// associated data = from ‖ to, so a share cannot be altered, forged or redirected without detection.</item>
/// </list>
/// </remarks>
internal static class SecureAggregationCrypto
{
    public const int PublicKeyBytes = 64;
    public const int SecretBytes = 32;
    public const int TagBytes = 16;

    /// <summary>Field elements per shared 32-byte secret.</summary>
    public static readonly int ChunksPerSecret = ShamirSecretSharing.ChunksFor(SecretBytes);

    /// <summary>Plaintext of one sealed share: from (4) ‖ to (4) ‖ b-share ‖ c_sk-share (8 bytes per element).</summary>
    public static readonly int SharePlaintextBytes = 8 + (2 * 8 * ChunksPerSecret);

    private static readonly byte[] PairMaskLabel = Encoding.ASCII.GetBytes("causeway/secagg/v1/pair-mask");
    private static readonly byte[] SelfMaskLabel = Encoding.ASCII.GetBytes("causeway/secagg/v1/self-mask");
    private static readonly byte[] ShareKeyLabel = Encoding.ASCII.GetBytes("causeway/secagg/v1/share-key");

    public static ECCurve Curve => ECCurve.NamedCurves.nistP256;

    public static ECDiffieHellman CreateKeyPair() => ECDiffieHellman.Create(Curve);

    public static byte[] ExportPublicKey(ECDiffieHellman key)
    {
        var q = key.ExportParameters(false).Q;
        var encoded = new byte[PublicKeyBytes];
        q.X.AsSpan().CopyTo(encoded);
        q.Y.AsSpan().CopyTo(encoded.AsSpan(32));
        return encoded;
    }

    /// <summary>Imports a peer's X ‖ Y point; OpenSSL checks that it is on the curve.</summary>
    public static ECDiffieHellmanPublicKey ImportPublicKey(byte[] encoded, int party)
    {
        if (encoded is not { Length: PublicKeyBytes })
        {
            throw new SecureAggregationException($"Party {party} advertised a public key of {encoded?.Length ?? 0} bytes; 64 (X ‖ Y on P-256) are required.");
        }

        try
        {
            using var key = ECDiffieHellman.Create(new ECParameters { Curve = Curve, Q = new ECPoint { X = encoded[..32], Y = encoded[32..] } });
            return key.PublicKey;
        }
        catch (CryptographicException e)
        {
            throw new SecureAggregationException($"Party {party} advertised a public key that is not a valid P-256 point.", e);
        }
    }

    /// <summary>Rebuilds a key pair from a reconstructed private scalar; fails when it does not match the advertised point.</summary>
    public static ECDiffieHellman ImportKeyPair(byte[] privateKey, byte[] publicKey, int party)
    {
        try
        {
            var parameters = new ECParameters
            {
                Curve = Curve,
                D = privateKey,
                Q = new ECPoint { X = publicKey[..32], Y = publicKey[32..] },
            };
            var key = ECDiffieHellman.Create(parameters);
            // Import checks D·G = Q on OpenSSL; compare explicitly so the guarantee does not depend on the platform.
            var derived = key.ExportParameters(false).Q;
            if (!CryptographicOperations.FixedTimeEquals(derived.X, publicKey.AsSpan(0, 32)) || !CryptographicOperations.FixedTimeEquals(derived.Y, publicKey.AsSpan(32)))
            {
                key.Dispose();
                throw new SecureAggregationException($"The mask key reconstructed for party {party} does not match its advertised public key: some unmasking shares are corrupt.");
            }

            return key;
        }
        catch (CryptographicException e)
        {
            throw new SecureAggregationException($"The mask key reconstructed for party {party} does not match its advertised public key: some unmasking shares are corrupt.", e);
        }
    }

    public static void PairMaskKey(ECDiffieHellman own, ECDiffieHellmanPublicKey peer, string session, int a, int b, Span<byte> key)
    {
        var secret = own.DeriveRawSecretAgreement(peer);
        try
        {
            Derive(secret, session, PairMaskLabel, a, b, key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    public static void SelfMaskKey(ReadOnlySpan<byte> seed, string session, int owner, Span<byte> key) =>
        Derive(seed, session, SelfMaskLabel, owner, owner, key);

    public static void ShareKey(ECDiffieHellman own, ECDiffieHellmanPublicKey peer, string session, int a, int b, Span<byte> key)
    {
        var secret = own.DeriveRawSecretAgreement(peer);
        try
        {
            Derive(secret, session, ShareKeyLabel, a, b, key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    public static byte[] Seal(ReadOnlySpan<byte> key, int from, int to, ReadOnlySpan<byte> plaintext)
    {
        Span<byte> nonce = stackalloc byte[12];
        Span<byte> associated = stackalloc byte[8];
        Header(from, to, nonce, associated);
        var output = new byte[plaintext.Length + TagBytes];
        using var gcm = new AesGcm(key, TagBytes);
        gcm.Encrypt(nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), associated);
        return output;
    }

    /// <summary>Opens a sealed share; false when the tag does not verify (tampered, forged or misaddressed).</summary>
    public static bool TryOpen(ReadOnlySpan<byte> key, int from, int to, ReadOnlySpan<byte> sealedShare, Span<byte> plaintext)
    {
        if (sealedShare.Length != plaintext.Length + TagBytes)
        {
            return false;
        }

        Span<byte> nonce = stackalloc byte[12];
        Span<byte> associated = stackalloc byte[8];
        Header(from, to, nonce, associated);
        using var gcm = new AesGcm(key, TagBytes);
        try
        {
            gcm.Decrypt(nonce, sealedShare[..plaintext.Length], sealedShare[plaintext.Length..], plaintext, associated);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            return false;
        }
    }

    private static void Header(int from, int to, Span<byte> nonce, Span<byte> associated)
    {
        nonce.Clear();
        BinaryPrimitives.WriteInt32LittleEndian(nonce, from);
        BinaryPrimitives.WriteInt32LittleEndian(nonce[4..], to);
        nonce[..8].CopyTo(associated);
    }

    private static void Derive(ReadOnlySpan<byte> secret, string session, byte[] label, int a, int b, Span<byte> key)
    {
        Span<byte> info = stackalloc byte[label.Length + 8];
        label.CopyTo(info);
        BinaryPrimitives.WriteInt32LittleEndian(info[label.Length..], Math.Min(a, b));
        BinaryPrimitives.WriteInt32LittleEndian(info[(label.Length + 4)..], Math.Max(a, b));
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, key, Encoding.UTF8.GetBytes(session), info);
    }
}
