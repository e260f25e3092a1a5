using System.Numerics;
using Causeway.Privacy.Paillier;

namespace Causeway.Federation.Vertical.Training;

/// <summary>
/// The arbiter of <see cref="VerticalEncryption.Arbiter"/> training: it holds the Paillier key, gives out the public key,
/// and decrypts masked gradients. It sees only values uniform in [0, n) (each gradient sum plus its party's mask).
/// </summary>
public sealed class HeteroLinearArbiter
{
    private readonly PaillierPrivateKey _key;

    /// <summary>An arbiter holding <paramref name="key"/> (the caller owns and disposes it).</summary>
    public HeteroLinearArbiter(PaillierPrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _key = key;
    }

    /// <summary>The public key the guest and hosts encrypt under.</summary>
    public PaillierPublicKey PublicKey => _key.PublicKey;

    /// <summary>Decrypts a party's masked gradient.</summary>
    public DecryptedGradientMessage Decrypt(MaskedGradientMessage message) => Decrypt(_key, message);

    /// <summary>Decrypts every value of a masked gradient, both cores at once.</summary>
    internal static DecryptedGradientMessage Decrypt(PaillierPrivateKey key, MaskedGradientMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var values = new BigInteger[message.Values.Count];
        Parallel.For(0, values.Length, j => values[j] = key.Decrypt(message.Values[j]));
        return new DecryptedGradientMessage(message.Batch, values);
    }
}
