using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal;

/// <summary>
/// One party's contribution to a round: the change it made to the global model, and how much data it used.
/// </summary>
/// <param name="Party">Who sent it.</param>
/// <param name="Delta">Local parameters minus the round's global parameters (owned by the receiver).</param>
/// <param name="Examples">Training examples behind the update: the FedAvg weight.</param>
/// <param name="TrainLoss">The party's mean training loss in its last local epoch.</param>
/// <param name="TrainSeconds">Wall time of local training at the party, in seconds; 0 when not measured.</param>
/// <param name="WithinClip">
/// Under client-level DP with the noise at the parties: whether the delta's L2 norm was within the round's clip norm
/// before the party clipped it (adaptive clipping counts these); null otherwise.
/// </param>
public sealed record PartyUpdate(PartyId Party, ParameterSet Delta, int Examples, double TrainLoss, double TrainSeconds = 0, bool? WithinClip = null);
