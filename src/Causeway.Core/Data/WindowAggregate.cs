namespace Causeway.Core.Data;

/// <summary>One aggregate of a numeric column over a window (<c>"window.aggregates"</c>); it becomes the column <c>value_aggregate</c>.</summary>
public enum WindowAggregate
{
    /// <summary>The mean of the present values (<c>"mean"</c>).</summary>
    Mean,

    /// <summary>The population standard deviation of the present values (<c>"std"</c>).</summary>
    Std,

    /// <summary>The smallest present value (<c>"min"</c>).</summary>
    Min,

    /// <summary>The largest present value (<c>"max"</c>).</summary>
    Max,

    /// <summary>The least-squares slope of value against time, per second (<c>"slope"</c>); 0 with fewer than two distinct times.</summary>
    Slope,

    /// <summary>The number of present values (<c>"count"</c>).</summary>
    Count,
}
