using Causeway.Core.Tensors;

namespace Causeway.Coordinator.Storage;

/// <summary>The checkpoint of a run's last closed round, read back bit for bit.</summary>
/// <param name="RunId">The run.</param>
/// <param name="LastClosedRound">The round the checkpoint was written with; a resumed run continues at the next one.</param>
/// <param name="Global">The global parameters after that round (a fresh copy the caller owns).</param>
/// <param name="OptimizerState">The server optimizer's state, or null when none was stored.</param>
/// <param name="PrivacyState">The differential-privacy ledger as JSON, or null for a run without DP.</param>
public sealed record StoredCheckpoint(string RunId, int LastClosedRound, ParameterSet Global, ParameterSet? OptimizerState, string? PrivacyState = null);
