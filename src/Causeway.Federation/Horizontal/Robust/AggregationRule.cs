using System.Text.Json.Serialization;

namespace Causeway.Federation.Horizontal.Robust;

/// <summary>How a round's deltas are combined (the <c>"aggregation.rule"</c> of a run configuration).</summary>
public enum AggregationRule
{
    /// <summary>The streaming example-weighted mean (FedAvg); see <see cref="WeightedMeanAggregator"/>.</summary>
    Mean,

    /// <summary>The coordinate-wise median; see <see cref="CoordinateMedianAggregator"/>.</summary>
    Median,

    /// <summary>The coordinate-wise trimmed mean; see <see cref="TrimmedMeanAggregator"/>.</summary>
    [JsonStringEnumMemberName("trimmed-mean")]
    TrimmedMean,

    /// <summary>Krum: the one delta closest to its neighbours; see <see cref="KrumAggregator"/>.</summary>
    Krum,

    /// <summary>Multi-Krum: the mean of the m deltas closest to their neighbours; see <see cref="KrumAggregator"/>.</summary>
    [JsonStringEnumMemberName("multi-krum")]
    MultiKrum,
}
