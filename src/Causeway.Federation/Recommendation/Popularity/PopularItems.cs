using Causeway.Federation.Recommendation.Data;
using Causeway.Privacy.Mechanisms;

namespace Causeway.Federation.Recommendation.Popularity;

/// <summary>
/// Popular items across all parties, released with user-level differential privacy: each party counts, per item, the
/// users who rated it — each user counting at most L items — and adds Gaussian noise before anything leaves it; the
/// coordinator adds the parties' noisy counts and ranks the items.
/// </summary>
/// <remarks>
/// <para>
/// One user changes at most L counts of their party by 1, so a party's count vector has L2 sensitivity √L, and the
/// Gaussian mechanism with σ = √L·√(2 ln(1.25/δ))/ε (Dwork and Roth 2014, Theorem A.1; ε &lt; 1) makes it (ε, δ)-DP for
/// that user. The parties hold disjoint users, so by parallel composition all the parties' answers together are
/// (ε, δ)-DP for every user, and the sum and the ranking are post-processing: the release costs (ε, δ) once. The
/// coordinator never sees an exact count; the price is noise that grows with the parties, σ√P on a sum of P parties
/// (fine for a few shops, large for many single-user parties, where secure aggregation of the counts would be needed
/// to add the noise once).
/// </para>
/// <para>
/// A user with more than L items counts a uniformly random L of them (drawn with the party's private randomness, so
/// which items were left out is not predictable either).
/// </para>
/// </remarks>
public static class PopularItems
{
    /// <summary>σ of each party's noise for an (ε, δ) release with L items per user.</summary>
    public static double NoiseFor(double epsilon, double delta, int maxItemsPerUser)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItemsPerUser, 1);
        return GaussianCalibration.ClassicSigma(epsilon, delta, Math.Sqrt(maxItemsPerUser));
    }

    /// <summary>Per item row, the users of <paramref name="data"/> who rated it in training, each user counting at most <paramref name="maxItemsPerUser"/> items.</summary>
    /// <param name="data">A party's ratings.</param>
    /// <param name="maxItemsPerUser">L ≥ 1.</param>
    /// <param name="randomness">Chooses the L items of a user with more.</param>
    public static double[] ClippedCounts(PartyRatings data, int maxItemsPerUser, NoiseSource randomness)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(randomness);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItemsPerUser, 1);
        var counts = new double[data.ItemCount];
        var items = new List<int>();
        for (var u = 0; u < data.UserCount; u++)
        {
            // A user's distinct training items (the sorted range holds repeats only if the file repeats a rating).
            items.Clear();
            foreach (var item in data.SortedTrainItems.AsSpan(data.TrainStart[u], data.TrainStart[u + 1] - data.TrainStart[u]))
            {
                if (items.Count == 0 || items[^1] != item)
                {
                    items.Add(item);
                }
            }

            var chosen = items.ToArray();
            if (chosen.Length > maxItemsPerUser)
            {
                randomness.Shuffle(chosen);
                chosen = chosen[..maxItemsPerUser];
            }

            foreach (var item in chosen)
            {
                counts[item]++;
            }
        }

        return counts;
    }

    /// <summary>The party's answer: its clipped counts with Gaussian noise of <see cref="PopularItemsRequest.NoiseStandardDeviation"/> on each.</summary>
    public static NoisyItemCounts Answer(PartyRatings data, PopularItemsRequest request)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.NoiseStandardDeviation);
        using var noise = NoiseSource.Create();
        var counts = ClippedCounts(data, request.MaxItemsPerUser, noise);
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] += request.NoiseStandardDeviation * noise.NextStandardNormal();
        }

        return new NoisyItemCounts(counts);
    }

    /// <summary>The <paramref name="top"/> rows with the highest count, best first (ties to the lower row).</summary>
    public static IReadOnlyList<(int Item, double Count)> Top(ReadOnlySpan<double> counts, int top)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        return [.. counts.ToArray().Select((count, item) => (item, count)).OrderByDescending(c => c.count).ThenBy(c => c.item).Take(top)];
    }
}
