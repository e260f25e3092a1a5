using System.Collections.Concurrent;
using Causeway.Core.Tensors;

namespace Causeway.Federation.Recommendation.Models;

/// <summary>
/// Sparse update layouts by row count, shared by the parties of one process. A layout is immutable and builds a
/// name index when made; a party's update has the same row count round after round (matrix factorisation) or one
/// of a few hundred (BPR), so 100,000 virtual parties share a few thousand layouts instead of making one per update.
/// </summary>
internal sealed class ItemUpdateLayouts(int factors)
{
    private readonly ConcurrentDictionary<int, ParameterLayout> _byRows = new();
    private ParameterLayout? _counted;

    public int Factors { get; } = factors;

    /// <summary>The counted update layout of a catalogue of <paramref name="items"/> (one catalogue per run).</summary>
    public ParameterLayout Counted(int items) => _counted ??= ItemModel.CountedLayout(items, Factors);

    public ParameterLayout Sparse(int rows) => _byRows.GetOrAdd(rows, static (m, k) => ItemModel.SparseLayout(m, k), Factors);
}
