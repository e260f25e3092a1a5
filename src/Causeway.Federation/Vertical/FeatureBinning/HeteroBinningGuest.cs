using System.Numerics;
using Causeway.Core.Data;
using Causeway.Privacy.Paillier;

namespace Causeway.Federation.Vertical.FeatureBinning;

/// <summary>
/// The guest (label holder) side of encrypted feature binning: encrypts its labels for the hosts and decrypts their
/// per-bin sums into event and non-event counts, from which it computes weights of evidence and information value.
/// </summary>
/// <remarks>
/// Protocol (transport-free; each message is a record): the guest sends <see cref="EncryptedLabels"/>; each host
/// answers per feature with <see cref="HeteroBinningHost.SumPerBin"/>'s <see cref="EncryptedBinSums"/>; the guest
/// decrypts: events_b = Dec(sum_b), non-events_b = rows_b − events_b. The result equals
/// <see cref="BinLabelCounts.Count"/> on the joined rows. Who sees what: the host sees ciphertexts only; the guest sees
/// per-bin counts of the host's feature, as FATE's protocol reveals.
/// </remarks>
public sealed class HeteroBinningGuest
{
    private readonly PaillierPrivateKey _key;

    /// <param name="key">The guest's Paillier key; the guest keeps it, and only its public half leaves.</param>
    public HeteroBinningGuest(PaillierPrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _key = key;
    }

    /// <summary>Encrypts each aligned row's label, 0 or 1.</summary>
    /// <exception cref="ArgumentException">A label is not 0 or 1.</exception>
    public EncryptedLabels EncryptLabels(ReadOnlySpan<float> labels)
    {
        var ciphertexts = new PaillierCiphertext[labels.Length];
        for (var r = 0; r < labels.Length; r++)
        {
            ciphertexts[r] = labels[r] switch
            {
                0f => _key.PublicKey.Encrypt(BigInteger.Zero),
                1f => _key.PublicKey.Encrypt(BigInteger.One),
                _ => throw new ArgumentException($"Row {r} has label {labels[r]}; encrypted binning needs binary labels 0 and 1.", nameof(labels)),
            };
        }

        return new EncryptedLabels(_key.PublicKey, ciphertexts);
    }

    /// <summary>Decrypts a host's per-bin sums into event and non-event counts.</summary>
    /// <exception cref="InvalidDataException">The host's answer is inconsistent (a decrypted sum is negative or above its bin's row count).</exception>
    public BinLabelCounts Decrypt(EncryptedBinSums sums)
    {
        ArgumentNullException.ThrowIfNull(sums);
        if (sums.EventSums.Count != sums.Rows.Length)
        {
            throw new InvalidDataException($"The host sent {sums.EventSums.Count} encrypted sums for {sums.Rows.Length} bins.");
        }

        var events = new long[sums.Rows.Length];
        var nonEvents = new long[sums.Rows.Length];
        for (var b = 0; b < events.Length; b++)
        {
            var sum = _key.Decrypt(sums.EventSums[b]);
            if (sum > sums.Rows[b] || sums.Rows[b] < 0)
            {
                throw new InvalidDataException($"Bin {b}: the host's encrypted sum decrypts to {sum} events among {sums.Rows[b]} rows.");
            }

            events[b] = (long)sum;
            nonEvents[b] = sums.Rows[b] - events[b];
        }

        return new BinLabelCounts(events, nonEvents);
    }

    /// <summary>Decrypts a host's per-bin sums and computes the feature's weights of evidence and information value.</summary>
    public InformationValue InformationValue(EncryptedBinSums sums) => Core.Data.InformationValue.Compute(Decrypt(sums));
}
