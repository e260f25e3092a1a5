using Causeway.Privacy.Paillier;

namespace Causeway.Federation.Vertical.Training;

/// <summary>
/// Party → key holder: the party's encrypted gradient sums E(Σᵢ round(xᵢⱼ·2^16)·round(s·dᵢ·2^32) + rⱼ), one per feature,
/// each plus a fresh encryption of a uniform mask rⱼ ∈ [0, n) only the party knows, so the key holder decrypts values
/// uniform in [0, n) that say nothing about the gradient.
/// </summary>
/// <param name="Batch">The batch number.</param>
/// <param name="Values">One ciphertext per feature (the guest's intercept last).</param>
public sealed record MaskedGradientMessage(long Batch, IReadOnlyList<PaillierCiphertext> Values);
