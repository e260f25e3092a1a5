using Causeway.Core.Tensors;

namespace Causeway.Coordinator.Storage;

/// <summary>What a run needs to resume after a round: the new global model and the server optimizer's state.</summary>
/// <param name="Global">The global parameters after the round.</param>
/// <param name="OptimizerState">The server optimizer's state (<c>IServerOptimizer.SaveState</c>), or null when it keeps none.</param>
/// <param name="PrivacyState">The differential-privacy ledger as JSON (<c>PrivacyLedger.SaveState</c>), or null for a run without DP.</param>
public sealed record Checkpoint(ParameterSet Global, ParameterSet? OptimizerState, string? PrivacyState = null);
