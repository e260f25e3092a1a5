using System.Numerics;

namespace Causeway.Privacy.Paillier;

/// <summary>
/// A vector of fixed-point values encrypted under one Paillier key, packed <see cref="SlotsPerCiphertext"/> values per
/// ciphertext (1 when unpacked). Immutable: <see cref="Add"/> returns a new vector. Tracks how many encrypted vectors
/// or plaintexts were summed so the encoding's capacity (<see cref="FixedPointEncoding.MaxSummands"/>) is enforced
/// before it can be exceeded.
/// </summary>
/// <remarks>The sum of party updates: the coordinator folds encrypted vectors one at a time (streaming, fixed order); only the private key's holder sees Σ updates.</remarks>
public sealed class EncryptedVector
{
    private readonly PaillierCiphertext[] _ciphertexts;

    private EncryptedVector(PaillierPublicKey publicKey, FixedPointEncoding encoding, int length, int slotsPerCiphertext, long summands, PaillierCiphertext[] ciphertexts)
    {
        PublicKey = publicKey;
        Encoding = encoding;
        Length = length;
        SlotsPerCiphertext = slotsPerCiphertext;
        Summands = summands;
        _ciphertexts = ciphertexts;
    }

    public PaillierPublicKey PublicKey { get; }

    public FixedPointEncoding Encoding { get; }

    /// <summary>Number of values.</summary>
    public int Length { get; }

    /// <summary>Values per ciphertext: <see cref="FixedPointEncoding.SlotsPerCiphertext"/> when packed, 1 otherwise.</summary>
    public int SlotsPerCiphertext { get; }

    /// <summary>How many encoded vectors (encrypted or plaintext) this one sums; at most <see cref="FixedPointEncoding.MaxSummands"/>.</summary>
    public long Summands { get; }

    /// <summary>The ciphertexts, ⌈<see cref="Length"/> / <see cref="SlotsPerCiphertext"/>⌉ of them; slot j of ciphertext i holds value i·k + j.</summary>
    public IReadOnlyList<PaillierCiphertext> Ciphertexts => _ciphertexts;

    /// <summary>Encrypts <paramref name="values"/> with fresh randomness per ciphertext.</summary>
    /// <param name="publicKey">The key.</param>
    /// <param name="values">The values; each finite with |x| &lt; 2^I.</param>
    /// <param name="encoding">The fixed-point encoding; <see cref="FixedPointEncoding.Default"/> when null.</param>
    /// <param name="pack">Pack <see cref="FixedPointEncoding.SlotsPerCiphertext"/> values per ciphertext (true) or one per ciphertext.</param>
    public static EncryptedVector Encrypt(PaillierPublicKey publicKey, ReadOnlySpan<float> values, FixedPointEncoding? encoding = null, bool pack = true)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        encoding ??= FixedPointEncoding.Default;
        var slots = pack ? encoding.SlotsPerCiphertext(publicKey) : 1;
        encoding.Validate();
        var ciphertexts = new PaillierCiphertext[(values.Length + slots - 1) / slots];
        Span<long> encoded = stackalloc long[slots];
        for (var i = 0; i < ciphertexts.Length; i++)
        {
            var chunk = values.Slice(i * slots, Math.Min(slots, values.Length - (i * slots)));
            ciphertexts[i] = publicKey.Encrypt(Pack(encoding, chunk, encoded, publicKey));
        }

        return new EncryptedVector(publicKey, encoding, values.Length, slots, 1, ciphertexts);
    }

    /// <summary>
    /// Rebuilds an encrypted vector received as ciphertexts (a party's encrypted update, a sum to decrypt), each already
    /// validated for <paramref name="publicKey"/> (<see cref="PaillierPublicKey.CiphertextFromBytes"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The count does not fit <paramref name="length"/> packed values, a ciphertext is under another key, or <paramref name="summands"/> is out of range.</exception>
    public static EncryptedVector FromCiphertexts(PaillierPublicKey publicKey, IReadOnlyList<PaillierCiphertext> ciphertexts, int length, long summands, FixedPointEncoding? encoding = null, bool pack = true)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentNullException.ThrowIfNull(ciphertexts);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        encoding ??= FixedPointEncoding.Default;
        encoding.Validate();
        if (summands < 1 || summands > encoding.MaxSummands)
        {
            throw new ArgumentOutOfRangeException(nameof(summands), summands, $"An encrypted vector sums 1 to {encoding.MaxSummands} vectors.");
        }

        var slots = pack ? encoding.SlotsPerCiphertext(publicKey) : 1;
        var expected = (length + slots - 1) / slots;
        if (ciphertexts.Count != expected)
        {
            throw new ArgumentException($"{length} values packed {slots} per ciphertext take {expected} ciphertexts; got {ciphertexts.Count}.", nameof(ciphertexts));
        }

        foreach (var ciphertext in ciphertexts)
        {
            if (!publicKey.Equals(ciphertext.PublicKey))
            {
                throw new ArgumentException("A ciphertext is under another public key.", nameof(ciphertexts));
            }
        }

        return new EncryptedVector(publicKey, encoding, length, slots, summands, [.. ciphertexts]);
    }

    /// <summary>The sum of <paramref name="vectors"/>, folded in list order.</summary>
    /// <exception cref="ArgumentException">The list is empty, or the vectors differ in key, encoding, length or packing.</exception>
    public static EncryptedVector Sum(IReadOnlyList<EncryptedVector> vectors)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentOutOfRangeException.ThrowIfZero(vectors.Count, nameof(vectors));
        var sum = vectors[0];
        for (var i = 1; i < vectors.Count; i++)
        {
            sum = sum.Add(vectors[i]);
        }

        return sum;
    }

    /// <summary>The element-wise sum with <paramref name="other"/>: each ciphertext multiplied modulo n².</summary>
    /// <exception cref="ArgumentException">The vectors differ in key, encoding, length or packing.</exception>
    /// <exception cref="InvalidOperationException">The sum would exceed the encoding's <see cref="FixedPointEncoding.MaxSummands"/>.</exception>
    public EncryptedVector Add(EncryptedVector other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!PublicKey.Equals(other.PublicKey) || Encoding != other.Encoding || Length != other.Length || SlotsPerCiphertext != other.SlotsPerCiphertext)
        {
            throw new ArgumentException(
                $"Encrypted vectors add only under the same key, encoding, length and packing (this: {Length} values, {SlotsPerCiphertext} per ciphertext; other: {other.Length}, {other.SlotsPerCiphertext}).",
                nameof(other));
        }

        var summands = CheckedSummands(other.Summands);
        var ciphertexts = new PaillierCiphertext[_ciphertexts.Length];
        for (var i = 0; i < ciphertexts.Length; i++)
        {
            ciphertexts[i] = PublicKey.Add(_ciphertexts[i], other._ciphertexts[i]);
        }

        return new EncryptedVector(PublicKey, Encoding, Length, SlotsPerCiphertext, summands, ciphertexts);
    }

    /// <summary>Adds plaintext values element-wise (no encryption: c · (1 + k·n) mod n² per ciphertext).</summary>
    public EncryptedVector AddPlaintext(ReadOnlySpan<float> values)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(values.Length, Length, nameof(values));
        var summands = CheckedSummands(1);
        var ciphertexts = new PaillierCiphertext[_ciphertexts.Length];
        Span<long> encoded = stackalloc long[SlotsPerCiphertext];
        for (var i = 0; i < ciphertexts.Length; i++)
        {
            var chunk = values.Slice(i * SlotsPerCiphertext, Math.Min(SlotsPerCiphertext, values.Length - (i * SlotsPerCiphertext)));
            ciphertexts[i] = PublicKey.AddPlaintext(_ciphertexts[i], Pack(Encoding, chunk, encoded, PublicKey));
        }

        return new EncryptedVector(PublicKey, Encoding, Length, SlotsPerCiphertext, summands, ciphertexts);
    }

    /// <summary>Decrypts into <paramref name="destination"/> (exactly <see cref="Length"/> values).</summary>
    /// <exception cref="OverflowException">A value is beyond the encodable range (see <see cref="FixedPointEncoding"/>).</exception>
    public void Decrypt(PaillierPrivateKey privateKey, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        ArgumentOutOfRangeException.ThrowIfNotEqual(destination.Length, Length, nameof(destination));
        if (!privateKey.PublicKey.Equals(PublicKey))
        {
            throw new ArgumentException("The private key does not match the vector's public key.", nameof(privateKey));
        }

        Span<long> slots = stackalloc long[SlotsPerCiphertext];
        for (var i = 0; i < _ciphertexts.Length; i++)
        {
            var count = Math.Min(SlotsPerCiphertext, Length - (i * SlotsPerCiphertext));
            Encoding.Unpack(privateKey.Decrypt(_ciphertexts[i]), PublicKey.N, slots[..count]);
            for (var j = 0; j < count; j++)
            {
                destination[(i * SlotsPerCiphertext) + j] = Encoding.Decode(slots[j]);
            }
        }
    }

    /// <summary>Decrypts into float32 (each value rounded to nearest).</summary>
    public void Decrypt(PaillierPrivateKey privateKey, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(destination.Length, Length, nameof(destination));
        var values = new double[Length];
        Decrypt(privateKey, values);
        for (var i = 0; i < values.Length; i++)
        {
            destination[i] = (float)values[i];
        }
    }

    private static BigInteger Pack(FixedPointEncoding encoding, ReadOnlySpan<float> chunk, Span<long> scratch, PaillierPublicKey publicKey)
    {
        var encoded = scratch[..chunk.Length];
        for (var j = 0; j < chunk.Length; j++)
        {
            encoded[j] = encoding.Encode(chunk[j]);
        }

        return encoding.Pack(encoded, publicKey.N);
    }

    private long CheckedSummands(long added)
    {
        var summands = Summands + added;
        if (summands > Encoding.MaxSummands)
        {
            throw new InvalidOperationException(
                $"The sum would hold {summands} summands; the fixed-point encoding's headroom ({Encoding.HeadroomBits} bits) allows {Encoding.MaxSummands}.");
        }

        return summands;
    }
}
