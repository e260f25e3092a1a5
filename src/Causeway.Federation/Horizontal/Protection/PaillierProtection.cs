namespace Causeway.Federation.Horizontal.Protection;

/// <summary>
/// Additively homomorphic encryption of the updates (Paillier 1999, see <c>Causeway.Privacy.Paillier</c>): one party,
/// the key holder, owns the run's private key; every party encrypts its delta under the public key; the coordinator
/// multiplies ciphertexts as replies arrive (one running encrypted sum) and, after collection, has the key holder
/// decrypt the sum. The coordinator never holds the private key; the key holder sees the sum, never an update.
/// </summary>
/// <remarks>
/// Before training the coordinator asks the key holder for the run's public key (it generates it on the first request
/// of a run and answers the same key after); the key travels with every train task. Values use the default packed
/// fixed-point encoding (|x| &lt; 2^14, 2^-32 resolution, 31 values per 2048-bit ciphertext), so the decrypted mean
/// differs from the plain mean by rounding only. Updates count uniformly, or by their public bounded weight. Trust: the key holder must not
/// collude with the coordinator (docs/privacy.md).
/// </remarks>
/// <param name="KeyHolder">The party that generates the key pair and decrypts the sums.</param>
/// <param name="KeyBits">The modulus size (2048 to 8192 in steps of 256).</param>
/// <param name="WeightCap">The public weight bound (<see cref="UpdateWeight"/>); null weights updates uniformly.</param>
public sealed record PaillierProtection(PartyId KeyHolder, int KeyBits, double? WeightCap = null) : IUpdateProtection
{
    public string Name => "paillier";

    public IProtectedRound Begin(ProtectedRoundContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new PaillierProtectedRound(this, context);
    }
}
