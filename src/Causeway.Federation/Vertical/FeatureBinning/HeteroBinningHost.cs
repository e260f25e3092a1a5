using Causeway.Privacy.Paillier;

namespace Causeway.Federation.Vertical.FeatureBinning;

/// <summary>
/// The host (feature holder) side of encrypted feature binning (FATE's Hetero feature binning): sums the guest's
/// encrypted labels per bin of a feature the host holds, without learning a label.
/// </summary>
/// <remarks>
/// Effectively computes, for each bin b, Enc(Σ_{r in b} y_r) = Π_{r in b} Enc(y_r) mod n² (Paillier's additive
/// homomorphism), and for an empty bin a fresh Enc(0). The rows must be in the PSI-aligned order the guest used.
/// </remarks>
public static class HeteroBinningHost
{
    /// <summary>Sums the encrypted labels per bin.</summary>
    /// <param name="labels">The guest's encrypted labels, one per aligned row.</param>
    /// <param name="bins">Per aligned row, the row's bin of the host's feature, in [0, <paramref name="binCount"/>).</param>
    /// <param name="binCount">The number of bins.</param>
    /// <exception cref="ArgumentException">The label and bin counts differ, or a bin is out of range.</exception>
    public static EncryptedBinSums SumPerBin(EncryptedLabels labels, ReadOnlySpan<int> bins, int binCount)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(binCount);
        if (labels.Labels.Count != bins.Length)
        {
            throw new ArgumentException($"The guest sent {labels.Labels.Count} encrypted labels for {bins.Length} aligned rows.", nameof(labels));
        }

        var key = labels.PublicKey;
        var sums = new PaillierCiphertext?[binCount];
        var rows = new long[binCount];
        for (var r = 0; r < bins.Length; r++)
        {
            var bin = bins[r];
            if ((uint)bin >= (uint)binCount)
            {
                throw new ArgumentException($"Row {r} is in bin {bin}, outside [0, {binCount}).", nameof(bins));
            }

            rows[bin]++;
            sums[bin] = sums[bin] is { } sum ? key.Add(sum, labels.Labels[r]) : labels.Labels[r];
        }

        return new EncryptedBinSums([.. sums.Select(s => s ?? key.Encrypt(0))], rows);
    }
}
