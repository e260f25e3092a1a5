using Causeway.Core.Metrics;
using Causeway.Federation.Horizontal;

namespace Causeway.Party;

/// <summary>The party's local work: what <see cref="PartyHost"/> calls for each task it pulls.</summary>
/// <remarks>Adapt the federation's party trainer to this interface; the host owns the network, the handler owns the data.</remarks>
public interface ITaskHandler
{
    /// <summary>Trains from <paramref name="task"/>'s global parameters; returns the delta (local − global) or a failure.</summary>
    Task<PartyReply> TrainAsync(TrainTask task, CancellationToken cancellationToken);

    /// <summary>Scores <paramref name="task"/>'s parameters on local held-out data; null when there is none.</summary>
    Task<Evaluation?> EvaluateAsync(EvaluateTask task, CancellationToken cancellationToken);
}
