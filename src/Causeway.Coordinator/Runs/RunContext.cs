using Causeway.Core.Models;
using Causeway.Core.Tensors;
using Causeway.Federation;
using Causeway.Federation.Horizontal;

namespace Causeway.Coordinator.Runs;

/// <summary>What a run sees of the coordinator: the network channel, the parties, and where to report progress.</summary>
public sealed class RunContext
{
    private readonly Func<IReadOnlyList<PartyId>> _connected;
    private readonly RunManager _manager;

    internal RunContext(string runId, IPartyChannel channel, Func<IReadOnlyList<PartyId>> connected, RunManager manager, RunCheckpoint? resumeFrom = null)
    {
        ResumeFrom = resumeFrom;
        RunId = runId;
        Channel = channel;
        _connected = connected;
        _manager = manager;
    }

    public string RunId { get; }

    /// <summary>The checkpoint to continue from (pass it to the round engine), or null for a fresh run.</summary>
    public RunCheckpoint? ResumeFrom { get; }

    /// <summary>The network <see cref="IPartyChannel"/> to hand to the round engine.</summary>
    public IPartyChannel Channel { get; }

    /// <summary>The parties connected right now, ordered by id.</summary>
    public IReadOnlyList<PartyId> ConnectedParties() => _connected();

    /// <summary>Marks <paramref name="round"/> (counting from 1) as in progress.</summary>
    public void ReportRoundStarted(int round) => _manager.SetCurrentRound(RunId, round);

    /// <summary>Records a closed round's metrics.</summary>
    public void ReportRound(RoundRecord round) => _manager.RecordRound(RunId, round);

    /// <summary>Publishes the current global model, used by <c>POST /api/runs/{id}/predict</c> (the set is cloned).</summary>
    public void ReportModel(ModelSpec spec, ParameterSet global) => _manager.SetModel(RunId, spec, global);

    /// <summary>
    /// Closes a round the round engine finished: records its metrics for the control API, publishes the new global
    /// model and, when an <see cref="Storage.IRunStore"/> is registered, persists the round and its checkpoint in one
    /// transaction (call it from <see cref="IRunObserver.OnRoundCompletedAsync"/>).
    /// </summary>
    public Task CloseRoundAsync(ModelSpec spec, RoundSummary summary, RunCheckpoint checkpoint, CancellationToken cancellationToken) =>
        _manager.CloseRoundAsync(RunId, spec, summary, checkpoint, cancellationToken);
}
