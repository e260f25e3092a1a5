using System.Globalization;
using Causeway.Federation.Recommendation.Models;

namespace Causeway.Federation.Recommendation.Data;

/// <summary>
/// Ratings of a made-up population, for scale runs beyond the bundled data: a low-rank taste model, a long-tailed
/// item popularity, and MovieLens's half-star scale.
/// </summary>
/// <remarks>
/// <para>
/// User u rates <c>ratingsPerUser</c> distinct items, each drawn with probability ∝ 1/(rank + 1)^0.8 over a fixed random
/// ranking of the catalogue (a Zipf-like popularity). The rating is
/// <c>r = clip(round½(3.5 + 0.3·a_u + 0.5·c_i + p_u·q_i + ε), 0.5, 5)</c> with a, c, ε ~ N(0, 1), N(0, 1), N(0, 0.5²),
/// and p, q ~ N(0, 0.53²) in 8 dimensions (so p·q has a standard deviation near 0.8). A user's t-th rating has timestamp
/// 10^9 + 86,400·t, so leave-last-out holds out their last draw. Ids are <c>u0</c>, <c>u1</c>... and <c>i0</c>, <c>i1</c>...;
/// every item is in the catalogue, rated or not.
/// </para>
/// </remarks>
public static class SyntheticRatings
{
    private const int Rank = 8;

    /// <summary>Generates the ratings; the same arguments give the same ratings.</summary>
    /// <param name="users">The number of users, ≥ 1.</param>
    /// <param name="items">The catalogue size, at least <paramref name="ratingsPerUser"/>.</param>
    /// <param name="ratingsPerUser">Ratings per user, ≥ 1.</param>
    /// <param name="seed">The seed of every draw.</param>
    public static RatingsData Generate(int users, int items, int ratingsPerUser, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(users, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ratingsPerUser, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(items, ratingsPerUser);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(items, ItemModel.MaxItems);
        if ((long)users * ratingsPerUser > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(ratingsPerUser), "More ratings than an array holds.");
        }

        var random = new Random(Seeds.ToInt32(Seeds.Mix(seed ^ 0x5E7_7E71CUL)));
        var normal = new GaussianStream(Seeds.Mix(seed ^ 0x6A055UL));
        var itemTaste = new float[items * Rank];
        var itemBias = new float[items];
        normal.Fill(itemTaste, 0.53f);
        normal.Fill(itemBias, 0.5f);

        // Popularity: a random ranking of the items, and the cumulative weights 1/(rank + 1)^0.8 to draw from.
        var byRank = new int[items];
        for (var i = 0; i < items; i++)
        {
            byRank[i] = i;
        }

        random.Shuffle(byRank);
        var cumulative = new double[items];
        double total = 0;
        for (var r = 0; r < items; r++)
        {
            total += Math.Pow(r + 1, -0.8);
            cumulative[r] = total;
        }

        var n = users * ratingsPerUser;
        var userColumn = new int[n];
        var itemColumn = new int[n];
        var ratings = new float[n];
        var stamps = new long[n];
        Span<float> taste = stackalloc float[Rank];
        Span<float> noise = stackalloc float[2];
        var chosen = new HashSet<int>(ratingsPerUser);
        var at = 0;
        for (var u = 0; u < users; u++)
        {
            normal.Fill(taste, 0.53f);
            normal.Fill(noise, 0.3f);
            var userBias = noise[0];
            chosen.Clear();
            for (var t = 0; t < ratingsPerUser; t++)
            {
                int item;
                do
                {
                    var position = Array.BinarySearch(cumulative, random.NextDouble() * total);
                    item = byRank[Math.Min(position < 0 ? ~position : position, items - 1)];
                }
                while (!chosen.Add(item));

                double value = 3.5 + userBias + itemBias[item];
                for (var f = 0; f < Rank; f++)
                {
                    value += taste[f] * itemTaste[(item * Rank) + f];
                }

                normal.Fill(noise, 0.5f);
                value += noise[0];
                userColumn[at] = u;
                itemColumn[at] = item;
                ratings[at] = (float)Math.Clamp(Math.Round(value * 2) / 2, 0.5, 5);
                stamps[at] = 1_000_000_000L + (86_400L * t);
                at++;
            }
        }

        var userIds = new string[users];
        for (var u = 0; u < users; u++)
        {
            userIds[u] = "u" + u.ToString(CultureInfo.InvariantCulture);
        }

        var itemIds = new string[items];
        for (var i = 0; i < items; i++)
        {
            itemIds[i] = "i" + i.ToString(CultureInfo.InvariantCulture);
        }

        return RatingsData.Wrap(userIds, itemIds, userColumn, itemColumn, ratings, stamps);
    }
}
