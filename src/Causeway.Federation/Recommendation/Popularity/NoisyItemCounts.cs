namespace Causeway.Federation.Recommendation.Popularity;

/// <summary>A ratings party's answer to a <see cref="PopularItemsRequest"/>: every item's count with the party's noise, never an exact count.</summary>
/// <param name="Counts">One noisy count per item row.</param>
public sealed record NoisyItemCounts(double[] Counts) : ProtocolMessage
{
    public override string Name => "noisy-item-counts";

    public override long PayloadBytes => (long)Counts.Length * sizeof(double);
}
