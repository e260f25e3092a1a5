using Causeway.Core.Tensors;
using Causeway.Privacy.Paillier;

namespace Causeway.Federation.Horizontal.Protection;

/// <summary>One round of <see cref="PaillierProtection"/>: fetch the public key, fold ciphertexts, have the key holder decrypt the sum.</summary>
internal sealed class PaillierProtectedRound(PaillierProtection protection, ProtectedRoundContext context) : IProtectedRound
{
    private readonly Lock _gate = new();
    private PaillierPublicKey? _publicKey;
    private byte[]? _publicKeyBytes;
    private EncryptedVector? _sum;
    private double _weight;

    public string? Problem { get; private set; }

    public async Task<IReadOnlyList<PartyFailure>> PrepareAsync(IPartyChannel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var holder = protection.KeyHolder;
        var (replies, failures) = await ExchangeAsync<PaillierPublicKeyReply>(channel, new PaillierKeyRequest(protection.KeyBits), cancellationToken).ConfigureAwait(false);
        if (failures.Count > 0)
        {
            Problem = $"the key holder '{holder}' gave no public key: {failures[0].Reason}";
            return [];
        }

        try
        {
            var key = PaillierPublicKey.FromBytes(replies[0].Reply.PublicKey);
            if (key.Bits != protection.KeyBits)
            {
                Problem = $"the key holder '{holder}' sent a {key.Bits}-bit public key; the run asks for {protection.KeyBits} bits";
                return [];
            }

            _publicKey = key;
            _publicKeyBytes = replies[0].Reply.PublicKey;
        }
        catch (ArgumentException e)
        {
            Problem = $"the key holder '{holder}' sent an invalid public key: {e.Message}";
        }

        return [];
    }

    public ProtocolMessage InstructionFor(PartyId party) => new PaillierEncrypt(_publicKeyBytes!, protection.WeightCap);

    public string? Accept(ProtectedUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.Payload is not PaillierCiphertexts { Decrypt: false } encrypted)
        {
            return $"a Paillier round expects ciphertexts, got {update.Payload.Name}";
        }

        var length = context.Layout.TotalLength;
        if (encrypted.Length != length || encrypted.Summands != 1)
        {
            return $"the encrypted update holds {encrypted.Length} values summing {encrypted.Summands} vectors; one vector of {length} values is expected";
        }

        EncryptedVector vector;
        try
        {
            var key = _publicKey!;
            var ciphertexts = new PaillierCiphertext[encrypted.Ciphertexts.Count];
            for (var i = 0; i < ciphertexts.Length; i++)
            {
                ciphertexts[i] = Parse(key, encrypted.Ciphertexts[i], i);
            }

            vector = EncryptedVector.FromCiphertexts(key, ciphertexts, length, 1);
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }

        lock (_gate)
        {
            try
            {
                _sum = _sum is null ? vector : _sum.Add(vector);
                _weight += UpdateWeight.Of(update.Examples, protection.WeightCap);
                return null;
            }
            catch (InvalidOperationException e)
            {
                return e.Message;
            }
        }
    }

    public async Task<ParameterSet?> CompleteAsync(IPartyChannel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (Problem is not null)
        {
            return null;
        }

        if (_sum is not { } sum)
        {
            Problem = "no encrypted update was accepted; there is nothing to decrypt";
            return null;
        }

        var request = new PaillierCiphertexts(sum.Length, sum.Summands, [.. sum.Ciphertexts.Select(c => c.ToBytes())], Decrypt: true);
        var (replies, failures) = await ExchangeAsync<PaillierDecryptedSum>(channel, request, cancellationToken).ConfigureAwait(false);
        if (failures.Count > 0)
        {
            Problem = $"the key holder '{protection.KeyHolder}' did not decrypt the sum: {failures[0].Reason}";
            return null;
        }

        var decrypted = replies[0].Reply.Sum;
        if (decrypted.Length != sum.Length || !decrypted.All(double.IsFinite))
        {
            Problem = $"the key holder '{protection.KeyHolder}' answered {decrypted.Length} values (finite: {decrypted.All(double.IsFinite)}); {sum.Length} finite values are expected";
            return null;
        }

        return ProtectedMean.Of(context.Layout, decrypted, _weight);
    }

    private static PaillierCiphertext Parse(PaillierPublicKey key, byte[] bytes, int index)
    {
        try
        {
            return key.CiphertextFromBytes(bytes);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"ciphertext {index} is refused: {e.Message}", e);
        }
    }

    private Task<(List<(PartyId Party, TReply Reply)> Replies, List<PartyFailure> Failures)> ExchangeAsync<TReply>(
        IPartyChannel channel, ProtocolMessage request, CancellationToken cancellationToken)
        where TReply : ProtocolMessage =>
        ProtocolExchange.RunAsync<TReply>(channel, context.Round, [protection.KeyHolder], _ => request, context.StepDeadline, context.Time, cancellationToken);
}
