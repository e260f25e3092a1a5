namespace Causeway.Federation.Vertical.Training;

/// <summary>What a vertical simulation measured.</summary>
/// <param name="Name">The config's name.</param>
/// <param name="TrainRows">Aligned training rows.</param>
/// <param name="TestRows">Held-out rows.</param>
/// <param name="Parties">Party names, the guest first.</param>
/// <param name="FeaturesPerParty">Encoded features per party.</param>
/// <param name="Scores">Centralized first, then the vertical runs.</param>
public sealed record VerticalSimulationResult(string Name, int TrainRows, int TestRows, IReadOnlyList<string> Parties, IReadOnlyList<int> FeaturesPerParty, IReadOnlyList<VerticalScore> Scores);
