using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal;

/// <summary>
/// Everything a run needs to continue after a crash: persist it when a round closes, pass it back to
/// <c>RoundEngine.RunAsync</c> and the run continues at round <see cref="LastClosedRound"/> + 1.
/// </summary>
/// <param name="LastClosedRound">The last round whose result is in <see cref="Global"/> (0 before round 1).</param>
/// <param name="Global">The global model after that round.</param>
/// <param name="OptimizerState">The server optimizer's state (<see cref="IServerOptimizer.SaveState"/>), or null.</param>
/// <param name="PrivacyState">
/// The privacy ledger and adaptive clip norm (<see cref="DifferentialPrivacy.PrivacyLedger.SaveState"/>) when the run is
/// differentially private, or null.
/// </param>
/// <param name="DegradedRounds">How many of the rounds up to <see cref="LastClosedRound"/> failed (left the model unchanged).</param>
/// <param name="ReferenceLoss">
/// The reference loss the divergence rule took from the run's first round (<see cref="DivergenceRule"/>), or null when
/// the rule has its own or no round reported a loss yet.
/// </param>
public sealed record RunCheckpoint(
    int LastClosedRound, ParameterSet Global, ParameterSet? OptimizerState, string? PrivacyState = null, int DegradedRounds = 0, double? ReferenceLoss = null);
