namespace Causeway.Core.Data;

/// <summary>
/// Windowed aggregation of a long-format time-series table (one row per entity and reading), declared as a schema's
/// <c>"window"</c>: <c>{"entity": "sensor", "timestamp": "time", "seconds": 600, "aggregates": ["mean", "std", "min", "max", "slope", "count"], "label": "majority"}</c>.
/// </summary>
/// <remarks>
/// The schema's <c>"columns"</c> then describe the long table (<see cref="Input"/>), and <see cref="DataSchema.Columns"/>
/// the table of aggregated rows: the entity (an id column), <c>value_aggregate</c> for each numeric column and
/// aggregate (in that order), and the label. Windows are tumbling, aligned to the Unix epoch:
/// window k of an entity holds its rows with k·seconds ≤ t &lt; (k+1)·seconds. Without <c>"seconds"</c> each entity gives
/// one row. Rows are ordered by the entity's first appearance, then by window.
/// </remarks>
/// <param name="Entity">The id column naming the entity (sensor, customer), or null when the whole table is one entity.</param>
/// <param name="Timestamp">The timestamp column.</param>
/// <param name="Seconds">The window length in seconds, or null for one window per entity.</param>
/// <param name="Aggregates">The aggregates of each numeric column, in output order.</param>
/// <param name="Label">How a window's label is derived from its rows.</param>
/// <param name="Input">The schema of the long table itself (no window).</param>
public sealed record WindowSpec(
    string? Entity, string Timestamp, double? Seconds, IReadOnlyList<WindowAggregate> Aggregates, WindowLabel Label, DataSchema Input)
{
    public bool Equals(WindowSpec? other) =>
        other is not null && Entity == other.Entity && Timestamp == other.Timestamp && Seconds == other.Seconds
        && Aggregates.SequenceEqual(other.Aggregates) && Label == other.Label && Input.Columns.SequenceEqual(other.Input.Columns);

    public override int GetHashCode() => HashCode.Combine(Entity, Timestamp, Seconds, Aggregates.Count, Label);
}
