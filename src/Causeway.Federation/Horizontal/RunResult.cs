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
public sealed record RunResult(
    IReadOnlyList<RoundSummary> Rounds,
    ParameterSet Global,
    ParameterSet? OptimizerState,
    Evaluation? Final,
    Evaluation? Centralized,
    double Seconds,
    string? StoppedEarly = null);
