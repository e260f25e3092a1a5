using System.Numerics;

namespace Causeway.Privacy.Paillier;

/// <summary>Scalar multiplication and linear combinations of ciphertexts by plaintext integers.</summary>
public sealed partial class PaillierPublicKey
{
    /// <summary>The ciphertext of k·m mod n for a plaintext integer k ∈ (−n, n).</summary>
    /// <remarks>
    /// Effectively computes c' = c^k mod n², or (c⁻¹)^|k| mod n² for k &lt; 0. Deterministic, like every homomorphic
    /// operation: re-randomise (add a fresh encryption) before the result leaves the party that computed it if the
    /// exponent must stay hidden from the key holder.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">|k| ≥ n.</exception>
    public PaillierCiphertext Multiply(PaillierCiphertext ciphertext, BigInteger scalar)
    {
        ThrowIfForeign(ciphertext);
        if (BigInteger.Abs(scalar) >= N)
        {
            throw new ArgumentOutOfRangeException(nameof(scalar), "A plaintext scalar must lie in (-n, n).");
        }

        var value = new byte[CiphertextLength];
        if (scalar.IsZero)
        {
            value[^1] = 1;
            return new PaillierCiphertext(this, value);
        }

        var exponent = BigInteger.Abs(scalar).ToByteArray(isUnsigned: true, isBigEndian: true);
        Backend.ModPow(ciphertext.Value, exponent, _modulusSquared, value);
        if (scalar.Sign < 0)
        {
            Invert(value);
        }

        return new PaillierCiphertext(this, value);
    }

    /// <summary>The ciphertext of Σᵢ kᵢ·mᵢ mod n for ciphertexts cᵢ = E(mᵢ) and signed 64-bit scalars kᵢ.</summary>
    /// <remarks>
    /// <para>
    /// Effectively computes Πᵢ cᵢ^kᵢ mod n² (negative kᵢ through one inversion of the product of the negative terms), by
    /// Pippenger's bucket method: the exponents are cut into w-bit digits; per digit position every ciphertext is
    /// multiplied into the bucket of its digit (one modular multiplication, none for a zero digit) and the buckets are
    /// combined as Σ_d d·B_d with two running products (2·2^w multiplications). The cost is about
    /// (digit positions) × (count + 2^(w+1)) multiplications modulo n², against about 1.5·log₂(k) per term for
    /// separate exponentiations. A 0/1 feature costs one multiplication per set row.
    /// </para>
    /// <para>The result is deterministic; see <see cref="Multiply"/> about re-randomising.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">The counts differ, or a ciphertext is under another key.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A scalar is <see cref="long.MinValue"/>.</exception>
    public PaillierCiphertext LinearCombination(IReadOnlyList<PaillierCiphertext> ciphertexts, ReadOnlySpan<long> scalars)
    {
        ArgumentNullException.ThrowIfNull(ciphertexts);
        if (ciphertexts.Count != scalars.Length)
        {
            throw new ArgumentException($"A linear combination needs one scalar per ciphertext: {ciphertexts.Count} ciphertexts, {scalars.Length} scalars.", nameof(scalars));
        }

        for (var i = 0; i < scalars.Length; i++)
        {
            ThrowIfForeign(ciphertexts[i], nameof(ciphertexts));
            if (scalars[i] == long.MinValue)
            {
                throw new ArgumentOutOfRangeException(nameof(scalars), $"Scalar {i} is long.MinValue, whose magnitude has no 64-bit form.");
            }
        }

        var positive = MultiExponentiate(ciphertexts, scalars, negative: false);
        var negative = MultiExponentiate(ciphertexts, scalars, negative: true);
        if (negative is not null)
        {
            Invert(negative);
            positive = positive is null ? negative : Multiplied(positive, negative);
        }

        if (positive is null)
        {
            positive = new byte[CiphertextLength];
            positive[^1] = 1;
        }

        return new PaillierCiphertext(this, positive);
    }

    /// <summary>Πᵢ cᵢ^|kᵢ| over the terms of one sign, or null when there are none.</summary>
    private byte[]? MultiExponentiate(IReadOnlyList<PaillierCiphertext> ciphertexts, ReadOnlySpan<long> scalars, bool negative)
    {
        var count = 0;
        ulong largest = 0;
        foreach (var k in scalars)
        {
            if (negative ? k < 0 : k > 0)
            {
                count++;
                largest = Math.Max(largest, (ulong)Math.Abs(k));
            }
        }

        if (count == 0)
        {
            return null;
        }

        // w ≈ log₂(count) − 2 balances the per-term bucket insertions against the 2^(w+1) combination steps.
        var window = Math.Clamp(BitOperations.Log2((uint)count) - 2, 1, 10);
        var digitMask = (1UL << window) - 1;
        var positions = ((64 - BitOperations.LeadingZeroCount(largest)) + window - 1) / window;
        var buckets = new byte[1 << window][];
        byte[]? accumulator = null;
        for (var position = positions - 1; position >= 0; position--)
        {
            if (accumulator is not null)
            {
                for (var s = 0; s < window; s++)
                {
                    accumulator = Multiplied(accumulator, accumulator);
                }
            }

            Array.Clear(buckets);
            var shift = position * window;
            for (var i = 0; i < scalars.Length; i++)
            {
                var k = scalars[i];
                if (negative ? k >= 0 : k <= 0)
                {
                    continue;
                }

                var digit = (int)(((ulong)Math.Abs(k) >> shift) & digitMask);
                if (digit != 0)
                {
                    buckets[digit] = buckets[digit] is { } bucket ? Multiplied(bucket, ciphertexts[i].Value) : ciphertexts[i].Value.ToArray();
                }
            }

            // Σ_d d·B_d as a product: running = Π_{e ≥ d} B_e, total = Π_d running_d.
            byte[]? running = null;
            byte[]? total = null;
            for (var d = buckets.Length - 1; d >= 1; d--)
            {
                if (buckets[d] is { } bucket)
                {
                    running = running is null ? bucket : Multiplied(running, bucket);
                }

                if (running is not null)
                {
                    total = total is null ? running : Multiplied(total, running);
                }
            }

            if (total is not null)
            {
                accumulator = accumulator is null ? total : Multiplied(accumulator, total);
            }
        }

        return accumulator;
    }

    private byte[] Multiplied(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var product = new byte[CiphertextLength];
        Backend.ModMultiply(left, right, _modulusSquared, product);
        return product;
    }

    private void Invert(byte[] value)
    {
        var inverse = new byte[CiphertextLength];
        if (!Backend.TryModInverse(value, _modulusSquared, inverse))
        {
            throw new ArgumentException("The ciphertext is not invertible modulo n², so it is not a valid ciphertext under this key.");
        }

        inverse.CopyTo(value, 0);
    }
}
