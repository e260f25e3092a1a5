namespace Causeway.Federation.Horizontal.Protection;

/// <summary>
/// An encrypted vector on its way: a party's encrypted delta (the protected train reply, <see cref="Summands"/> = 1)
/// or the encrypted sum the coordinator sends to the key holder to decrypt.
/// </summary>
/// <param name="Length">The number of values.</param>
/// <param name="Summands">How many encrypted vectors are summed in it.</param>
/// <param name="Ciphertexts">The ciphertexts, big-endian, fixed width, packed with the default fixed-point encoding.</param>
/// <param name="Decrypt">True when this is a request to the key holder to decrypt the sum.</param>
public sealed record PaillierCiphertexts(int Length, long Summands, IReadOnlyList<byte[]> Ciphertexts, bool Decrypt = false) : ProtocolMessage
{
    public override string Name => Decrypt ? "paillier-decrypt" : "paillier-encrypted";

    public override long PayloadBytes => Ciphertexts.Sum(c => (long)c.Length);
}
