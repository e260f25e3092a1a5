namespace Causeway.Federation.Recommendation;

/// <summary>What a party's item update holds.</summary>
public enum ItemUpdate
{
    /// <summary>Local item parameters after local training minus the global ones (<see cref="ItemAggregation.Mean"/>, <see cref="ItemAggregation.WeightedMean"/>).</summary>
    Delta,

    /// <summary>The negative gradient of the party's loss with respect to the items, at the global model (<see cref="ItemAggregation.GradientSum"/>).</summary>
    Gradient,
}
