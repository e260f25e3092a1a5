using Causeway.Privacy.Paillier;

namespace Causeway.Federation.Vertical.FeatureBinning;

/// <summary>
/// What a host sends back for one binned feature: per bin the encrypted sum of the labels of its rows (the event
/// count, still under the guest's key) and the plain row count of the bin.
/// </summary>
/// <remarks>The guest learns the host's per-bin row counts and, after decrypting, per-bin event counts; never a feature value or which row is in which bin.</remarks>
public sealed record EncryptedBinSums(IReadOnlyList<PaillierCiphertext> EventSums, long[] Rows);
