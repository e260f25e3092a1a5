using Causeway.Privacy.Paillier;

namespace Causeway.Federation.Vertical.Training;

/// <summary>
/// Guest → hosts, once per mini-batch: the scaled residual s·d of every batch row (s = 4 for the Taylor logistic loss,
/// 1 otherwise; <see cref="Scale"/> = 1/s), in the clear (<see cref="VerticalEncryption.None"/>) or encrypted under the
/// key holder's key. A host's gradient is Scale/B · X_hᵀ(s·d).
/// </summary>
/// <param name="Batch">The batch number.</param>
/// <param name="Scale">The factor 1/s that turns the sent values into d.</param>
/// <param name="Plain">s·d per row in the clear, or null.</param>
/// <param name="Encrypted">E(round(s·d·2^32)) per row, or null.</param>
public sealed record ResidualMessage(long Batch, double Scale, double[]? Plain, IReadOnlyList<PaillierCiphertext>? Encrypted);
