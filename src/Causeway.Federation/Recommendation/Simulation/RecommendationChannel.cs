using Causeway.Core.Metrics;
using Causeway.Federation.Horizontal;

namespace Causeway.Federation.Recommendation.Simulation;

/// <summary>
/// Reaches the virtual parties of a recommendation simulation in this process: each task runs the party's code on the
/// thread pool, at most <c>maxParallelism</c> at a time, first come first served (as the simulator's
/// <c>InMemoryPartyChannel</c> does for dense models).
/// </summary>
/// <remarks>
/// A task cancelled before it starts (the round's deadline) never starts. An exception thrown by a party faults the
/// returned task, which the round engine records as a dropout. Protocol steps (secure aggregation, Paillier) are not
/// carried yet: the channel answers every step with a failure.
/// </remarks>
public sealed class RecommendationChannel : IPartyChannel, IDisposable
{
    private readonly Dictionary<PartyId, RecommendationParty> _parties;
    private readonly SemaphoreSlim _slots;

    /// <param name="parties">The virtual parties.</param>
    /// <param name="maxParallelism">Concurrent tasks; default <see cref="Environment.ProcessorCount"/>.</param>
    public RecommendationChannel(IEnumerable<RecommendationParty> parties, int? maxParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(parties);
        var parallelism = maxParallelism ?? Environment.ProcessorCount;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parallelism, nameof(maxParallelism));
        _parties = parties.ToDictionary(p => p.Party);
        _slots = new SemaphoreSlim(parallelism, parallelism);
        MaxParallelism = parallelism;
    }

    public int MaxParallelism { get; }

    public Task<PartyReply> TrainAsync(PartyId party, TrainTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        return _parties.TryGetValue(party, out var target)
            ? RunAsync(() => target.Train(task, cancellationToken), cancellationToken)
            : Task.FromResult(PartyReply.Failed(new PartyFailure(party, FailureKind.Dropout, "no such party in this simulation")));
    }

    public Task<Evaluation?> EvaluateAsync(PartyId party, EvaluateTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        return _parties.TryGetValue(party, out var target)
            ? RunAsync(() => target.Evaluate(task), cancellationToken)
            : Task.FromResult<Evaluation?>(null);
    }

    public void Dispose() => _slots.Dispose();

    private async Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(work, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }
}
