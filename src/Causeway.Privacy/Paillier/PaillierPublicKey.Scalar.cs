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
    /// Effectively computes Πᵢ cᵢ^kᵢ mod n² by Pippenger's bucket method on offset exponents (see
    /// <see cref="PaillierLinearCombiner"/>): about ⌈(t+1)/w⌉·(N + 2^(w+1)) multiplications modulo n² for N terms with
    /// |kᵢ| &lt; 2^t, against about 1.5·t per term for separate exponentiations. For many scalar vectors over the same
    /// ciphertexts, prepare them once with <see cref="PrepareLinearCombinations"/>.
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

        if (ciphertexts.Count == 0)
        {
            var one = new byte[CiphertextLength];
            one[^1] = 1;
            return new PaillierCiphertext(this, one);
        }

        using var combiner = PrepareLinearCombinations(ciphertexts);
        return combiner.Combine(scalars);
    }

    /// <summary>Prepares linear combinations of <paramref name="ciphertexts"/> with scalar vectors given later (<see cref="PaillierLinearCombiner.Combine"/>).</summary>
    /// <exception cref="ArgumentException">The list is empty, or a ciphertext is under another key.</exception>
    public PaillierLinearCombiner PrepareLinearCombinations(IReadOnlyList<PaillierCiphertext> ciphertexts)
    {
        ArgumentNullException.ThrowIfNull(ciphertexts);
        ArgumentOutOfRangeException.ThrowIfZero(ciphertexts.Count, nameof(ciphertexts));
        var bases = new ReadOnlyMemory<byte>[ciphertexts.Count];
        for (var i = 0; i < bases.Length; i++)
        {
            ThrowIfForeign(ciphertexts[i], nameof(ciphertexts));
            bases[i] = ciphertexts[i].Memory;
        }

        return new PaillierLinearCombiner(this, Backend.CreateMultiExponentiation(bases, _modulusSquared));
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
