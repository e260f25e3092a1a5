using Causeway.Privacy.Paillier;

namespace Causeway.Federation.Vertical.FeatureBinning;

/// <summary>What the guest sends a host: one Paillier ciphertext of each aligned row's 0/1 label, in row order, and the public key.</summary>
/// <remarks>The host cannot read a label: each is encrypted with fresh randomness under the guest's key.</remarks>
public sealed record EncryptedLabels(PaillierPublicKey PublicKey, IReadOnlyList<PaillierCiphertext> Labels);
