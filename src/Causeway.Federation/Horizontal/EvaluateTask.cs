using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal;

/// <summary>Asks a party to score the given global parameters on its own held-out data.</summary>
/// <param name="Round">The evaluated round.</param>
/// <param name="Global">The parameters to score.</param>
/// <param name="SecureScores">
/// The run sums score histograms under secure aggregation: the party answers without its histogram and keeps it for the
/// <see cref="Protection.MaskedScoresRequest"/> that follows (<see cref="Protection.PartyProtection.HoldScores"/>).
/// </param>
public sealed record EvaluateTask(RoundInfo Round, ParameterSet Global, bool SecureScores = false);
