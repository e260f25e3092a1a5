using Causeway.Core.Tensors;

namespace Causeway.Coordinator.Mailbox;

/// <summary>Score <paramref name="Global"/> on the party's held-out data; answered by an evaluation.</summary>
/// <param name="Global">The global parameters to score (shared; never written).</param>
/// <param name="Setup">The run's setup in wire form, or null when the run has none.</param>
/// <param name="SecureScores">The party keeps its score histogram for a secure sum (<c>PartyTask.secure_scores</c>).</param>
internal sealed record EvaluateWork(ParameterSet Global, WireSetup? Setup, bool SecureScores = false) : TaskWork;
