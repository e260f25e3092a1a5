namespace Causeway.Federation.Recommendation.Data;

/// <summary>A dataset cut into training and test ratings over the same user and item ids.</summary>
/// <param name="Train">The ratings models learn from.</param>
/// <param name="Test">The held-out ratings they are scored on.</param>
public sealed record RatingsSplit(RatingsData Train, RatingsData Test)
{
    /// <summary>
    /// A seeded random split of the ratings themselves (as Surprise's <c>train_test_split</c>): round(fraction × n)
    /// rows drawn without replacement go to the test part. Both parts keep the file's row order.
    /// </summary>
    /// <remarks>A user may end up with no training rating (then only their initial vector scores them) or no test rating.</remarks>
    /// <param name="data">The ratings.</param>
    /// <param name="testFraction">The share of rows held out, in (0, 1). The usual 80/20 split is 0.2.</param>
    /// <param name="seed">Chooses the rows.</param>
    public static RatingsSplit Random(RatingsData data, double testFraction, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(testFraction > 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must be in (0, 1).");
        }

        var n = data.Count;
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        // A partial Fisher–Yates shuffle: the first `held` positions are a uniform sample without replacement.
        var held = (int)Math.Round(testFraction * n);
        var random = new Random(Seeds.ToInt32(Seeds.Mix(seed ^ 0x5B1177E57UL)));
        for (var i = 0; i < held; i++)
        {
            var j = random.Next(i, n);
            (order[i], order[j]) = (order[j], order[i]);
        }

        var test = order.AsSpan(0, held);
        var train = order.AsSpan(held);
        test.Sort();
        train.Sort();
        return new RatingsSplit(data.Select(train), data.Select(test));
    }

    /// <summary>
    /// Temporal leave-last-out (as in He et al. 2017, "Neural Collaborative Filtering"): each user's latest rating is
    /// held out, the rest is training data. Ties on the timestamp go to the row written last. A user with a single
    /// rating keeps it for training and has no test rating.
    /// </summary>
    /// <exception cref="ArgumentException">The ratings have no timestamps.</exception>
    public static RatingsSplit LeaveLastOut(RatingsData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.HasTimestamps)
        {
            throw new ArgumentException("The temporal split needs a timestamp on every rating (a fourth column); these ratings have none.", nameof(data));
        }

        var users = data.Users;
        var stamps = data.Timestamps;
        var latest = new int[data.UserCount];
        var counts = new int[data.UserCount];
        latest.AsSpan().Fill(-1);
        for (var r = 0; r < data.Count; r++)
        {
            var u = users[r];
            counts[u]++;
            if (latest[u] < 0 || stamps[r] >= stamps[latest[u]])
            {
                latest[u] = r;
            }
        }

        var isTest = new bool[data.Count];
        var held = 0;
        for (var u = 0; u < latest.Length; u++)
        {
            if (counts[u] >= 2)
            {
                isTest[latest[u]] = true;
                held++;
            }
        }

        var test = new int[held];
        var train = new int[data.Count - held];
        int t = 0, k = 0;
        for (var r = 0; r < data.Count; r++)
        {
            if (isTest[r])
            {
                test[t++] = r;
            }
            else
            {
                train[k++] = r;
            }
        }

        return new RatingsSplit(data.Select(train), data.Select(test));
    }
}
