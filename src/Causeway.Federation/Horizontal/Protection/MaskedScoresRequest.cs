using Causeway.Core.Metrics;

namespace Causeway.Federation.Horizontal.Protection;

/// <summary>
/// Secure aggregation round 2 of an evaluation under secure aggregation (<see cref="SecureScoreSum"/>): the party masks
/// the score histogram it kept from the round's <see cref="EvaluateTask"/> and answers with
/// <see cref="SecureAggregationMasked"/>.
/// </summary>
/// <remarks>
/// The histogram is laid out as [positives per bin, negatives per bin], each count its own ring element: counts are
/// integers, so they need no scaling, and the sum is exact while it stays below 2^31 (every party's count per bin is at
/// most <see cref="MaxCount"/>, chosen so that the parties' counts together cannot reach it).
/// </remarks>
/// <param name="Delivery">The sealed shares addressed to the party.</param>
/// <param name="Bins">The histogram's bins (<see cref="ScoreHistogram.Bins"/>); the masked vector holds twice as many.</param>
/// <param name="MaxCount">The largest count one party may put in a bin.</param>
public sealed record MaskedScoresRequest(Privacy.SecureAggregation.ShareDelivery Delivery, int Bins, long MaxCount) : ProtocolMessage
{
    /// <summary>The most bins a request may ask for: 65,536 (ScoreHistogram.DefaultBins is 1,000).</summary>
    public const int MaxBins = 1 << 16;

    public override string Name => "masked scores request";

    /// <summary>The histogram as the masked vector lays it out, or why it cannot be (a bin count or a count out of range).</summary>
    public (uint[]? Encoded, string? Problem) Encode(ScoreHistogram scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Bins != Bins)
        {
            return (null, $"the party's score histogram has {scores.Bins} bins; the request asks for {Bins}");
        }

        var encoded = new uint[2 * Bins];
        for (var bin = 0; bin < Bins; bin++)
        {
            var (positives, negatives) = (scores.Positives[bin], scores.Negatives[bin]);
            if (positives is < 0 || negatives is < 0 || positives > MaxCount || negatives > MaxCount)
            {
                return (null, $"a bin of the party's score histogram holds more than the {MaxCount} examples a party may report under secure aggregation");
            }

            (encoded[bin], encoded[Bins + bin]) = ((uint)positives, (uint)negatives);
        }

        return (encoded, null);
    }
}
