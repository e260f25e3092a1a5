using Causeway.Core.Metrics;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Party;

namespace Causeway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A party that trains instantly (a delta of 0.1 everywhere) until round <c>blockFromRound</c>, where it hangs until its
/// task is cancelled; <see cref="Blocked"/> completes when it first hangs.
/// </summary>
internal sealed class GatedHandler(PartyId party, int blockFromRound) : ITaskHandler
{
    private readonly TaskCompletionSource _blocked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<int> _rounds = [];
    private readonly List<RunSetup?> _setups = [];

    public DataDescription Data { get; } = DataDescription.Of(SeparableTables.SchemaJson, SeparableTables.Table(seed: 5, rows: 100));

    DataDescription? ITaskHandler.Data => Data;

    public IReadOnlyList<RunSetup?> Setups
    {
        get
        {
            lock (_rounds)
            {
                return [.. _setups];
            }
        }
    }

    public Task Blocked => _blocked.Task;

    public IReadOnlyList<int> Rounds
    {
        get
        {
            lock (_rounds)
            {
                return [.. _rounds];
            }
        }
    }

    public async Task<PartyReply> TrainAsync(TrainTask task, RunSetup? setup, CancellationToken cancellationToken)
    {
        if (task.Round.Round >= blockFromRound)
        {
            _blocked.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        lock (_rounds)
        {
            _rounds.Add(task.Round.Round);
            _setups.Add(setup);
        }

        return PartyReply.Success(new PartyUpdate(party, Models.Filled(task.Global.Layout, 0.1f), 10, 0.5));
    }

    public Task<Evaluation?> EvaluateAsync(EvaluateTask task, RunSetup? setup, CancellationToken cancellationToken) => Task.FromResult<Evaluation?>(null);
}
