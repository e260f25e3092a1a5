using Causeway.Core.Tensors;
using Causeway.Core.Training;

namespace Causeway.Federation.Horizontal;

/// <summary>
/// Runs a horizontal federated run: synchronous rounds (<see cref="RoundEngine"/>) or asynchronous buffered aggregation
/// (<see cref="Buffered.BufferedRoundEngine"/>). Both report a closed round per server step, with the same
/// <see cref="RoundSummary"/>, <see cref="RunCheckpoint"/> and <see cref="RunResult"/>, so storage, resume, stop and
/// reports serve both. <see cref="RunEngine.Create"/> picks one from the options.
/// </summary>
public interface IRunEngine
{
    /// <summary>The training plan parties receive: the options' plan as adjusted by the strategy.</summary>
    TrainingPlan Plan { get; }

    /// <summary>Runs the remaining rounds of a run; see <see cref="RoundEngine.RunAsync(ParameterSet, IPartyRoster, IPartyChannel, IGlobalEvaluator?, IRunObserver?, RunCheckpoint?, CancellationToken)"/>.</summary>
    Task<RunResult> RunAsync(
        ParameterSet initialGlobal,
        IPartyRoster roster,
        IPartyChannel channel,
        IGlobalEvaluator? evaluator,
        IRunObserver? observer,
        RunCheckpoint? resumeFrom,
        CancellationToken cancellationToken);
}
