using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal.Protection;

/// <summary>What a protected round is begun with.</summary>
/// <param name="Layout">The layout of the protected vectors: the global model's, or what the aggregator asks for (<see cref="IAggregator.ProtectedLayout"/>).</param>
/// <param name="Round">The run and round.</param>
/// <param name="Selected">The parties selected this round, in selection order (secure aggregation indexes them so).</param>
/// <param name="StepDeadline">How long each protocol phase (key agreement, unmasking, decryption) may wait for replies.</param>
/// <param name="Time">The clock for the phases' deadlines.</param>
/// <param name="Certificates">A party's client certificate (DER) as its connection presented it, or null; what an authenticated secure aggregation hands the other parties to check.</param>
public sealed record ProtectedRoundContext(
    ParameterLayout Layout, RoundInfo Round, IReadOnlyList<PartyId> Selected, TimeSpan StepDeadline, TimeProvider Time, Func<PartyId, byte[]?>? Certificates = null);
