using Causeway.Core.Metrics;
using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal;

/// <summary>The outcome of a federated run.</summary>
/// <param name="Rounds">The rounds run by this call, in order (a resumed run lists only the rounds after the checkpoint).</param>
/// <param name="Global">The final global model.</param>
/// <param name="OptimizerState">The server optimizer's final state, or null.</param>
/// <param name="Final">The last evaluation of the global model, or null without an evaluator.</param>
/// <param name="Centralized">A centralized baseline's evaluation, when one was trained (simulation only).</param>
/// <param name="Seconds">Wall time of the whole run.</param>
/// <param name="StoppedEarly">
/// Why the run ended before its last round (the next round would have exceeded the privacy budget); null when it ran
/// every round.
/// </param>
/// <param name="Failure">
/// Why the run failed before its last round, naming the round and the value: it diverged (<see cref="DivergenceRule"/>),
/// or more of its rounds failed than <see cref="RoundEngineOptions.MaxDegradedFraction"/> allows; null when it did not.
/// </param>
public sealed record RunResult(
    IReadOnlyList<RoundSummary> Rounds,
    ParameterSet Global,
    ParameterSet? OptimizerState,
    Evaluation? Final,
    Evaluation? Centralized,
    double Seconds,
    string? StoppedEarly = null,
    string? Failure = null)
{
    /// <summary>
    /// Each party's own model at the end of a run with personal layers (FedPer: the global shared layers under the party's
    /// personal ones), by party; empty otherwise, and always empty over the network, where they stay at the parties.
    /// </summary>
    public IReadOnlyDictionary<PartyId, ParameterSet> PersonalModels { get; init; } = new Dictionary<PartyId, ParameterSet>();

    /// <summary>The centralized baseline's parameters, when one was trained (simulation only), so it can be exported beside the federated model.</summary>
    public ParameterSet? CentralizedModel { get; init; }

    /// <summary>The rounds of <see cref="Rounds"/> that failed (left the model unchanged).</summary>
    public int DegradedRounds => Rounds.Count(r => !r.Succeeded);
}
