using Causeway.Federation.Recommendation.Data;

namespace Causeway.Federation.Recommendation.Models;

/// <summary>
/// One pass of BPR's bootstrap sampling (Rendle et al. 2009, Algorithm 1): as many (user, positive, negative) triples
/// as the party has training ratings, each a uniformly drawn training rating (u, i) and an item j drawn uniformly from
/// the catalogue until u has not rated it. Negatives are drawn where the data is: the party knows its users' items.
/// </summary>
/// <remarks>A user who rated every item has no negative; their draws are skipped, so a pass may hold fewer triples.</remarks>
internal sealed class BprTriples
{
    private BprTriples(int[] users, int[] positives, int[] negatives, int count)
    {
        Users = users;
        Positives = positives;
        Negatives = negatives;
        Count = count;
    }

    /// <summary>Local user of each triple.</summary>
    public int[] Users { get; }

    /// <summary>Positive item (catalogue index) of each triple.</summary>
    public int[] Positives { get; }

    /// <summary>Negative item (catalogue index) of each triple.</summary>
    public int[] Negatives { get; }

    public int Count { get; }

    public static BprTriples Sample(PartyRatings data, Random random)
    {
        var n = data.TrainCount;
        var users = new int[n];
        var positives = new int[n];
        var negatives = new int[n];
        var count = 0;
        for (var t = 0; t < n; t++)
        {
            var r = random.Next(n);
            var u = data.TrainUsers[r];
            var start = data.TrainStart[u];
            var rated = data.SortedTrainItems.AsSpan(start, data.TrainStart[u + 1] - start);
            if (rated.Length >= data.ItemCount)
            {
                continue;
            }

            int j;
            do
            {
                j = random.Next(data.ItemCount);
            }
            while (rated.BinarySearch(j) >= 0);

            users[count] = u;
            positives[count] = data.TrainItems[r];
            negatives[count] = j;
            count++;
        }

        return new BprTriples(users, positives, negatives, count);
    }
}
