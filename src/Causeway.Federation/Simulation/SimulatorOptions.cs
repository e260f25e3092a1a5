using Causeway.Federation.Horizontal;

namespace Causeway.Federation.Simulation;

/// <summary>How a <see cref="Simulator"/> uses the machine. Defaults are stated per property.</summary>
public sealed record SimulatorOptions
{
    /// <summary>Parties training at once. Default <see cref="Environment.ProcessorCount"/>.</summary>
    public int? MaxParallelism { get; init; }

    /// <summary>
    /// The fold order. Default <see cref="FoldOrder.Selection"/>: with the channel's first-come-first-served
    /// workers it parks at most a few updates and makes a seeded simulation reproducible on one machine.
    /// </summary>
    public FoldOrder FoldOrder { get; init; } = FoldOrder.Selection;

    /// <summary>The clock. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
