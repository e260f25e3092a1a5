using System.Diagnostics;
using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal.Robust;

/// <summary>
/// The buffering side of <see cref="IAggregation"/>: keeps every accepted delta (by reference: an update handed to an
/// aggregation is owned by it) and runs an <see cref="IBufferedRule"/> over all of them in <see cref="Complete"/>,
/// writing the caller's destination.
/// </summary>
/// <remarks>
/// Memory: N × model floats for N accepted updates (the deltas themselves, which a streaming mean would have dropped),
/// plus the rule's scratch; the result is written into the caller's destination. Example counts are not used: a
/// Byzantine party can claim any number of examples.
/// </remarks>
internal sealed class BufferedAggregation(ParameterSet destination, IBufferedRule rule) : IAggregation
{
    private List<ParameterSet>? _deltas = [];

    public int Count { get; private set; }

    public string? Problem => Count == 0 ? "no update was accepted; there is nothing to aggregate" : rule.Problem(Count);

    public void Accept(PartyUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var deltas = _deltas ?? throw new InvalidOperationException("The aggregation is already complete.");
        Debug.Assert(update.Delta.Layout.Equals(destination.Layout), "The round engine validates layouts before folding.");
        if (update.Delta.Length != destination.Length)
        {
            throw new ArgumentException($"The update has {update.Delta.Length} values, the model {destination.Length}.", nameof(update));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(update.Examples, nameof(update));
        deltas.Add(update.Delta);
        Count++;
    }

    public ParameterSet Complete()
    {
        var deltas = _deltas ?? throw new InvalidOperationException("The aggregation is already complete.");
        if (Problem is { } problem)
        {
            throw new InvalidOperationException($"The updates cannot be aggregated: {problem}.");
        }

        rule.Aggregate(deltas, destination.Values);
        _deltas = null;
        return destination;
    }
}
