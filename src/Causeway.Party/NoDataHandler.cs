using Causeway.Core.Metrics;
using Causeway.Federation;
using Causeway.Federation.Horizontal;

namespace Causeway.Party;

/// <summary>The task handler of a party that holds no horizontal training data (a vertical-only party or an arbiter): it refuses train tasks and has nothing to evaluate.</summary>
public sealed class NoDataHandler(PartyId party) : ITaskHandler
{
    public DataDescription? Data => null;

    public Task<PartyReply> TrainAsync(TrainTask task, RunSetup? setup, CancellationToken cancellationToken) =>
        Task.FromResult(PartyReply.Failed(new PartyFailure(party, FailureKind.Dropout, "this party holds no training data for horizontal runs")));

    public Task<Evaluation?> EvaluateAsync(EvaluateTask task, RunSetup? setup, CancellationToken cancellationToken) => Task.FromResult<Evaluation?>(null);
}
