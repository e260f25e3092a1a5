using Causeway.Privacy.BigIntegers;

namespace Causeway.Privacy.Paillier;

/// <summary>
/// Linear combinations E(Σᵢ kᵢ·mᵢ) of one fixed list of ciphertexts E(mᵢ) with many scalar vectors: the ciphertexts
/// are prepared once (on GMP: imported once, with their product's inverse powers), then each <see cref="Combine"/>
/// is a multi-exponentiation. Made by <see cref="PaillierPublicKey.PrepareLinearCombinations"/>; safe to call from
/// several threads at once (one scalar vector per feature, all cores). Dispose to free the prepared values.
/// </summary>
/// <remarks>
/// Cost per call: about ⌈(t+1)/w⌉·(N + 2^(w+1)) multiplications modulo n² for N ciphertexts and scalars below 2^t in
/// magnitude (<see cref="IMultiExponentiation"/>): about 6,100 for 2,048 rows of 17-bit feature scalars. The result is
/// deterministic; see <see cref="PaillierPublicKey.Multiply"/> about re-randomising.
/// </remarks>
public sealed class PaillierLinearCombiner : IDisposable
{
    private readonly IMultiExponentiation _kernel;

    internal PaillierLinearCombiner(PaillierPublicKey publicKey, IMultiExponentiation kernel)
    {
        PublicKey = publicKey;
        _kernel = kernel;
    }

    public PaillierPublicKey PublicKey { get; }

    /// <summary>How many ciphertexts each combination spans.</summary>
    public int Count => _kernel.Count;

    /// <summary>E(Σᵢ kᵢ·mᵢ mod n): effectively Πᵢ cᵢ^kᵢ mod n² (negative kᵢ through the inverse).</summary>
    /// <exception cref="ArgumentException">The scalars are not one per ciphertext.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A scalar is <see cref="long.MinValue"/>.</exception>
    public PaillierCiphertext Combine(ReadOnlySpan<long> scalars)
    {
        if (scalars.Length != Count)
        {
            throw new ArgumentException($"A linear combination needs one scalar per ciphertext: {Count} ciphertexts, {scalars.Length} scalars.", nameof(scalars));
        }

        var value = new byte[PublicKey.CiphertextLength];
        _kernel.Compute(scalars, value);
        return new PaillierCiphertext(PublicKey, value);
    }

    public void Dispose() => _kernel.Dispose();
}
