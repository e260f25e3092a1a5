using System.Collections.Concurrent;
using Causeway.Core.Metrics;
using Causeway.Federation.Horizontal;

namespace Causeway.Federation.Recommendation.Network;

/// <summary>
/// Sends a party only the rows of the item model it trains on: once a party has answered a train task with a sparse
/// update, its next train tasks carry the slice of those rows and the global mean (<see cref="ItemModel.Slice"/>)
/// instead of the whole catalogue. Evaluation tasks, a party's first task, and every task after a dense, counted or
/// protected answer carry the dense model.
/// </summary>
/// <remarks>
/// <para>
/// <b>What it costs in privacy: nothing.</b> The rows are those of the party's own last sparse update, which the
/// coordinator has already received in the clear; the slice tells the party nothing it did not get with the dense model.
/// Protected and DP runs send dense or counted updates, so the coordinator learns no rows and the channel never slices.
/// </para>
/// <para>
/// <b>Why it is exact for matrix factorisation:</b> a party's round reads and writes only the rows of the items its users
/// rated in training, the same rows every round, which is exactly its sparse update's row set (the party checks that
/// the slice covers them, <see cref="RecommendationParty"/>). BPR samples negatives anywhere in the catalogue and the
/// hybrid model composes every item from genre rows: neither is wrapped.
/// </para>
/// <para>
/// At 200 MovieLens users and k = 32 a task shrinks from 761 kB (5,596 items × 34 floats) to 16 kB on average.
/// Top-K lists at the party need every row: they use the last dense model a task brought (the run's final evaluation
/// brings the final model).
/// </para>
/// </remarks>
public sealed class ItemSliceChannel(IPartyChannel inner) : IPartyChannel
{
    private readonly ConcurrentDictionary<PartyId, int[]> _rows = new();

    public async Task<PartyReply> TrainAsync(PartyId party, TrainTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var sent = _rows.TryGetValue(party, out var rows) && ItemModel.Describe(task.Global.Layout) is { } model && rows[^1] < model.Items
            ? task with { Global = ItemModel.Slice(task.Global, rows) }
            : task;
        var reply = await inner.TrainAsync(party, sent, cancellationToken).ConfigureAwait(false);
        if (reply.Update is { Delta: var delta } && ItemModel.DescribeSparse(delta.Layout) is { Rows: > 0 } && RowsOf(delta) is { } touched)
        {
            _rows[party] = touched;
        }
        else
        {
            _rows.TryRemove(party, out _);
        }

        return reply;
    }

    public Task<ProtocolStepReply> ExchangeAsync(PartyId party, ProtocolStep step, CancellationToken cancellationToken) =>
        inner.ExchangeAsync(party, step, cancellationToken);

    public Task<Evaluation?> EvaluateAsync(PartyId party, EvaluateTask task, CancellationToken cancellationToken) =>
        inner.EvaluateAsync(party, task, cancellationToken);

    // The update's row indices when they are whole and strictly ascending (the aggregator refuses any other update, and
    // the next task is then dense again).
    private static int[]? RowsOf(Core.Tensors.ParameterSet delta)
    {
        var indices = delta[ItemModel.Rows];
        var rows = new int[indices.Length];
        for (var j = 0; j < rows.Length; j++)
        {
            rows[j] = (int)indices[j];
            if (rows[j] != indices[j] || rows[j] < 0 || (j > 0 && rows[j] <= rows[j - 1]))
            {
                return null;
            }
        }

        return rows;
    }
}
