namespace Causeway.Federation.Horizontal.Protection;

/// <summary>
/// A party's train reply in a protected round: its delta masked (secure aggregation) or encrypted (Paillier), with the
/// same metadata a plain <see cref="PartyUpdate"/> carries. The coordinator can only add it to the others.
/// </summary>
/// <param name="Party">Who sent it.</param>
/// <param name="Payload">The masked ring vector or the ciphertexts.</param>
/// <param name="Examples">Training examples behind the update (reported in the clear; the public bounded weight is computed from it).</param>
/// <param name="TrainLoss">The party's mean training loss in its last local epoch.</param>
/// <param name="TrainSeconds">Wall time of local training at the party, in seconds.</param>
public sealed record ProtectedUpdate(PartyId Party, ProtocolMessage Payload, int Examples, double TrainLoss, double TrainSeconds = 0);
