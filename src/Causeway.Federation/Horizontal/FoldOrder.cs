namespace Causeway.Federation.Horizontal;

/// <summary>The order in which <see cref="RoundEngine"/> folds a round's updates into the aggregation.</summary>
public enum FoldOrder
{
    /// <summary>
    /// Each update is folded the moment it arrives and then dropped: the engine holds at most the updates
    /// arriving at the same instant. Float rounding then depends on arrival order. The default, and the
    /// right choice for a networked coordinator.
    /// </summary>
    Arrival,

    /// <summary>
    /// Updates are folded in selection order, so a seeded run is reproducible bit for bit. An update that
    /// arrives before an earlier-selected party has answered (or failed) waits; the engine then holds the
    /// out-of-order updates, which is few when parties answer roughly in order (the simulator's FIFO workers)
    /// and up to all of them otherwise.
    /// </summary>
    Selection,
}
