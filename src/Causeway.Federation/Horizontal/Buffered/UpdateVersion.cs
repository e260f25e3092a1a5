namespace Causeway.Federation.Horizontal.Buffered;

/// <summary>Which model versions one asynchronous update connects, and the weight it got.</summary>
/// <param name="Party">The party that sent it.</param>
/// <param name="TrainedOn">The model version the party trained from (version v = the model after v applied buffers).</param>
/// <param name="AppliedTo">The version the update's buffer was applied to (round − 1); for a refused update, the version it was refused at.</param>
/// <param name="Weight">s(τ), the factor its delta was scaled by; 0 when it was refused.</param>
public sealed record UpdateVersion(PartyId Party, int TrainedOn, int AppliedTo, double Weight)
{
    /// <summary>τ = <see cref="AppliedTo"/> − <see cref="TrainedOn"/>.</summary>
    public int Staleness => AppliedTo - TrainedOn;
}
