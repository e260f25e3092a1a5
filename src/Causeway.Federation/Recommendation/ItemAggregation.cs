namespace Causeway.Federation.Recommendation;

/// <summary>
/// How a round combines the parties' item updates (<see cref="ItemAggregator"/>). A party's update only holds the
/// items it rated (or, under BPR, also sampled as negatives); the modes differ in how they treat the items a party
/// did not touch.
/// </summary>
public enum ItemAggregation
{
    /// <summary>
    /// Parties send item deltas (local item parameters after local SGD minus the global ones); each item's delta is the
    /// plain mean over the parties whose update holds that item. The default.
    /// </summary>
    Mean,

    /// <summary>
    /// As <see cref="Mean"/>, each party's delta weighted by its training rating count (the update's example count).
    /// </summary>
    WeightedMean,

    /// <summary>
    /// Parties send the negative gradient of their loss with respect to the item parameters at the global model (their
    /// user vectors fitted first); the round sums them, and the server optimizer steps with the sum.
    /// </summary>
    GradientSum,
}
