namespace Causeway.Federation.Horizontal;

/// <summary>One accepted update as a round records it: who sent it and its weight, loss, time and size, never its values.</summary>
/// <param name="Party">The party.</param>
/// <param name="Examples">The examples behind the update (its aggregation weight).</param>
/// <param name="TrainLoss">The party's reported training loss (may be NaN when it reported none).</param>
/// <param name="TrainSeconds">The party's reported local training wall time.</param>
/// <param name="Bytes">The update's size at 4 bytes per value.</param>
public sealed record PartyContribution(PartyId Party, int Examples, double TrainLoss, double TrainSeconds, long Bytes);
