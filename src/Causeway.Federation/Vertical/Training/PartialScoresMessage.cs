using Causeway.Privacy.Paillier;

namespace Causeway.Federation.Vertical.Training;

/// <summary>
/// Host → guest, once per mini-batch: the host's partial scores u_h = X_h·w_h of the batch rows, encrypted under the
/// arbiter's key (<see cref="VerticalEncryption.Arbiter"/>) or in the clear (<see cref="VerticalEncryption.None"/> and
/// <see cref="VerticalEncryption.TwoParty"/>, where the guest holds the key and so learns them either way).
/// </summary>
/// <param name="Host">The host's index among the hosts.</param>
/// <param name="Batch">The batch number within the run (every role derives the same batches).</param>
/// <param name="Plain">The scores in the clear, or null.</param>
/// <param name="Encrypted">E(round(u·2^32)) per row, or null.</param>
public sealed record PartialScoresMessage(int Host, long Batch, double[]? Plain, IReadOnlyList<PaillierCiphertext>? Encrypted);
