namespace Causeway.Federation.Recommendation.Data;

/// <summary>
/// The ratings one party holds, training and test, arranged for local training: its users get local indices
/// 0..U−1, their ratings are grouped by user (compressed rows), and the items it rated for training are its
/// <see cref="Rows"/>, the only rows of the item model it reads or changes.
/// </summary>
/// <remarks>
/// The centralised reference trains on one <see cref="PartyRatings"/> that holds every user, with the same code a party
/// runs; that is what makes "one party holding every user" and "centralised" the same computation.
/// </remarks>
public sealed class PartyRatings
{
    private PartyRatings(
        int itemCount,
        int[] users,
        string[] userIds,
        int[] trainStart,
        int[] trainItems,
        float[] trainRatings,
        int[] testStart,
        int[] testItems,
        float[] testRatings)
    {
        ItemCount = itemCount;
        UserIndices = users;
        UserIds = userIds;
        TrainStart = trainStart;
        TrainItems = trainItems;
        TrainRatings = trainRatings;
        TestStart = testStart;
        TestItems = testItems;
        TestRatings = testRatings;

        TrainUsers = new int[trainItems.Length];
        TestUsers = new int[testItems.Length];
        for (var u = 0; u < users.Length; u++)
        {
            TrainUsers.AsSpan(trainStart[u], trainStart[u + 1] - trainStart[u]).Fill(u);
            TestUsers.AsSpan(testStart[u], testStart[u + 1] - testStart[u]).Fill(u);
        }

        // Each user's training items sorted (binary search for "has u rated i?"), and the distinct items as rows.
        SortedTrainItems = (int[])trainItems.Clone();
        for (var u = 0; u < users.Length; u++)
        {
            SortedTrainItems.AsSpan(trainStart[u], trainStart[u + 1] - trainStart[u]).Sort();
        }

        var rows = (int[])trainItems.Clone();
        Array.Sort(rows);
        var distinct = rows.Length == 0 ? 0 : 1;
        for (var j = 1; j < rows.Length; j++)
        {
            if (rows[j] != rows[distinct - 1])
            {
                rows[distinct++] = rows[j];
            }
        }

        Rows = rows[..distinct];
        TrainRows = new int[trainItems.Length];
        for (var r = 0; r < trainItems.Length; r++)
        {
            TrainRows[r] = Array.BinarySearch(Rows, trainItems[r]);
        }
    }

    /// <summary>The size of the item catalogue (the global model's rows).</summary>
    public int ItemCount { get; }

    /// <summary>The number of users this party holds.</summary>
    public int UserCount => UserIndices.Length;

    /// <summary>The number of training ratings: the party's example count.</summary>
    public int TrainCount => TrainItems.Length;

    /// <summary>The number of test ratings.</summary>
    public int TestCount => TestItems.Length;

    /// <summary>The dataset index of each local user.</summary>
    internal int[] UserIndices { get; }

    /// <summary>The id of each local user (seeds a user's initial vector and samples).</summary>
    internal string[] UserIds { get; }

    /// <summary>Local user u's training ratings are [TrainStart[u], TrainStart[u + 1]).</summary>
    internal int[] TrainStart { get; }

    internal int[] TrainUsers { get; }

    internal int[] TrainItems { get; }

    internal float[] TrainRatings { get; }

    /// <summary>Per user, the training items in ascending order (same ranges as <see cref="TrainStart"/>).</summary>
    internal int[] SortedTrainItems { get; }

    /// <summary>The distinct items of the training ratings, ascending: the item rows this party reads and updates.</summary>
    internal int[] Rows { get; }

    /// <summary>The position in <see cref="Rows"/> of each training rating's item.</summary>
    internal int[] TrainRows { get; }

    internal int[] TestStart { get; }

    internal int[] TestUsers { get; }

    internal int[] TestItems { get; }

    internal float[] TestRatings { get; }

    /// <summary>The held ratings of every party of <paramref name="parties"/>, in that order.</summary>
    public static IReadOnlyList<PartyRatings> Build(RatingsSplit split, IReadOnlyList<PartyUsers> parties)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(parties);
        if (split.Train.ItemCount != split.Test.ItemCount || split.Train.UserCount != split.Test.UserCount)
        {
            throw new ArgumentException("The training and test ratings must share one user and item catalogue.", nameof(split));
        }

        var train = ByUser(split.Train);
        var test = ByUser(split.Test);
        var seen = new bool[split.Train.UserCount];
        var result = new PartyRatings[parties.Count];
        for (var p = 0; p < parties.Count; p++)
        {
            foreach (var u in parties[p].Users)
            {
                if ((uint)u >= (uint)seen.Length)
                {
                    throw new ArgumentException($"Party '{parties[p].Party}' holds user {u}; the data has {seen.Length} users.", nameof(parties));
                }

                if (seen[u])
                {
                    throw new ArgumentException($"User '{split.Train.UserIds[u]}' is held by two parties.", nameof(parties));
                }

                seen[u] = true;
            }

            result[p] = Gather(split, parties[p].Users, train, test);
        }

        return result;
    }

    /// <summary>One block holding every user of the split: what the centralised reference trains on.</summary>
    public static PartyRatings All(RatingsSplit split)
    {
        ArgumentNullException.ThrowIfNull(split);
        return Build(split, [new PartyUsers(new PartyId("all"), [.. Enumerable.Range(0, split.Train.UserCount)])])[0];
    }

    private static PartyRatings Gather(RatingsSplit split, IReadOnlyList<int> users, (int[] Start, int[] Rows) train, (int[] Start, int[] Rows) test)
    {
        var ids = new string[users.Count];
        var local = new int[users.Count];
        int trainCount = 0, testCount = 0;
        for (var j = 0; j < users.Count; j++)
        {
            var u = users[j];
            local[j] = u;
            ids[j] = split.Train.UserIds[u];
            trainCount += train.Start[u + 1] - train.Start[u];
            testCount += test.Start[u + 1] - test.Start[u];
        }

        var (trainStart, trainItems, trainRatings) = Copy(split.Train, local, train, trainCount);
        var (testStart, testItems, testRatings) = Copy(split.Test, local, test, testCount);
        return new PartyRatings(split.Train.ItemCount, local, ids, trainStart, trainItems, trainRatings, testStart, testItems, testRatings);
    }

    private static (int[] Start, int[] Items, float[] Ratings) Copy(RatingsData data, int[] users, (int[] Start, int[] Rows) index, int count)
    {
        var start = new int[users.Length + 1];
        var items = new int[count];
        var ratings = new float[count];
        var at = 0;
        for (var j = 0; j < users.Length; j++)
        {
            start[j] = at;
            var u = users[j];
            for (var k = index.Start[u]; k < index.Start[u + 1]; k++)
            {
                var row = index.Rows[k];
                items[at] = data.Items[row];
                ratings[at] = data.Ratings[row];
                at++;
            }
        }

        start[users.Length] = at;
        return (start, items, ratings);
    }

    /// <summary>A counting sort of the rows by user, stable (file order within a user).</summary>
    private static (int[] Start, int[] Rows) ByUser(RatingsData data)
    {
        var start = new int[data.UserCount + 1];
        foreach (var u in data.Users)
        {
            start[u + 1]++;
        }

        for (var u = 0; u < data.UserCount; u++)
        {
            start[u + 1] += start[u];
        }

        var next = start[..^1];
        var rows = new int[data.Count];
        for (var r = 0; r < data.Count; r++)
        {
            rows[next[data.Users[r]]++] = r;
        }

        return (start, rows);
    }
}
