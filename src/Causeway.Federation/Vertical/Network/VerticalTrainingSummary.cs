namespace Causeway.Federation.Vertical.Network;

/// <summary>The training of a job: aligned rows, features per party (guest first), epochs and their mean time, and the held-out scores.</summary>
public sealed record VerticalTrainingSummary(int TrainRows, int TestRows, IReadOnlyList<int> Features, int Epochs, double SecondsPerEpoch, VerticalEvaluation Evaluation);
