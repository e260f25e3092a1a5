namespace Causeway.Federation.Recommendation.Popularity;

/// <summary>
/// The coordinator asks a ratings party for its item counts with differential privacy (<see cref="PopularItems"/>):
/// each user counts at most <paramref name="MaxItemsPerUser"/> of their items, and the party adds Gaussian noise of
/// <paramref name="NoiseStandardDeviation"/> to every count before it answers.
/// </summary>
/// <param name="Items">The catalogue's size (the answer's length).</param>
/// <param name="Catalogue">The catalogue digest the counts must be over.</param>
/// <param name="MaxItemsPerUser">L ≥ 1: what one user may add to the counts (an L2 sensitivity of √L).</param>
/// <param name="NoiseStandardDeviation">σ &gt; 0 of the party's noise on each count.</param>
public sealed record PopularItemsRequest(int Items, string Catalogue, int MaxItemsPerUser, double NoiseStandardDeviation) : ProtocolMessage
{
    public override string Name => "popular-items";
}
