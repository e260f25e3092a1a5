using Causeway.Core.Metrics;
using Causeway.Federation.Horizontal;

namespace Causeway.Party;

/// <summary>Adapts the federation's <see cref="PartyTrainer"/> to <see cref="ITaskHandler"/>; training runs on the thread pool.</summary>
public sealed class PartyTrainerHandler(PartyTrainer trainer) : ITaskHandler
{
    public Task<PartyReply> TrainAsync(TrainTask task, CancellationToken cancellationToken) =>
        Task.Run(() => trainer.Train(task, cancellationToken), cancellationToken);

    public Task<Evaluation?> EvaluateAsync(EvaluateTask task, CancellationToken cancellationToken) =>
        Task.Run(() => trainer.Evaluate(task), cancellationToken);
}
