namespace Causeway.Federation.Recommendation.Data;

/// <summary>
/// Ratings of users for items: one row per (user, item, rating[, timestamp]), with user and item ids mapped to dense
/// indices 0..n−1 in order of first appearance. Immutable; the rows are struct-of-arrays so the trainers read spans.
/// </summary>
/// <remarks>
/// A split or a party's share is another <see cref="RatingsData"/> over the same id lists (<see cref="Select"/>), so an
/// index means the same user or item in every part of one dataset. An item id list may name items that no row of a
/// given part rates (an item whose every rating went to the test part): the catalogue is the dataset's, not the part's.
/// </remarks>
public sealed class RatingsData
{
    private readonly string[] _userIds;
    private readonly string[] _itemIds;
    private readonly int[] _users;
    private readonly int[] _items;
    private readonly float[] _ratings;
    private readonly long[]? _timestamps;

    private RatingsData(string[] userIds, string[] itemIds, int[] users, int[] items, float[] ratings, long[]? timestamps)
    {
        _userIds = userIds;
        _itemIds = itemIds;
        _users = users;
        _items = items;
        _ratings = ratings;
        _timestamps = timestamps;
    }

    /// <summary>The user ids; index u of <see cref="Users"/> names <c>UserIds[u]</c>.</summary>
    public IReadOnlyList<string> UserIds => _userIds;

    /// <summary>The item catalogue's ids; index i of <see cref="Items"/> names <c>ItemIds[i]</c>.</summary>
    public IReadOnlyList<string> ItemIds => _itemIds;

    public int UserCount => _userIds.Length;

    public int ItemCount => _itemIds.Length;

    /// <summary>The number of ratings (rows).</summary>
    public int Count => _users.Length;

    /// <summary>The user index of every row.</summary>
    public ReadOnlySpan<int> Users => _users;

    /// <summary>The item index of every row.</summary>
    public ReadOnlySpan<int> Items => _items;

    /// <summary>The rating of every row.</summary>
    public ReadOnlySpan<float> Ratings => _ratings;

    /// <summary>The timestamp of every row, as written in the file (MovieLens: Unix seconds); empty without timestamps.</summary>
    public ReadOnlySpan<long> Timestamps => _timestamps;

    public bool HasTimestamps => _timestamps is not null;

    /// <summary>Creates a dataset from its columns (copied), checking that every index names an id and every rating is finite.</summary>
    /// <exception cref="ArgumentException">Columns of different lengths, an index out of range, a non-finite rating or a duplicate id.</exception>
    public static RatingsData Create(
        IReadOnlyList<string> userIds,
        IReadOnlyList<string> itemIds,
        ReadOnlySpan<int> users,
        ReadOnlySpan<int> items,
        ReadOnlySpan<float> ratings,
        ReadOnlySpan<long> timestamps = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        ArgumentNullException.ThrowIfNull(itemIds);
        if (items.Length != users.Length || ratings.Length != users.Length || (timestamps.Length != 0 && timestamps.Length != users.Length))
        {
            throw new ArgumentException(
                $"The columns differ in length: {users.Length} users, {items.Length} items, {ratings.Length} ratings, {timestamps.Length} timestamps.");
        }

        RequireDistinct(userIds, "user", nameof(userIds));
        RequireDistinct(itemIds, "item", nameof(itemIds));
        for (var r = 0; r < users.Length; r++)
        {
            if ((uint)users[r] >= (uint)userIds.Count || (uint)items[r] >= (uint)itemIds.Count)
            {
                throw new ArgumentException($"Row {r} names user {users[r]} and item {items[r]}; there are {userIds.Count} users and {itemIds.Count} items.");
            }

            if (!float.IsFinite(ratings[r]))
            {
                throw new ArgumentException($"Row {r} has the rating {ratings[r]}; ratings must be finite.", nameof(ratings));
            }
        }

        return new RatingsData([.. userIds], [.. itemIds], users.ToArray(), items.ToArray(), ratings.ToArray(), timestamps.Length == 0 ? null : timestamps.ToArray());
    }

    /// <summary>The rows at <paramref name="rows"/>, in that order, over the same user and item ids.</summary>
    public RatingsData Select(ReadOnlySpan<int> rows)
    {
        var users = new int[rows.Length];
        var items = new int[rows.Length];
        var ratings = new float[rows.Length];
        var timestamps = _timestamps is null ? null : new long[rows.Length];
        for (var j = 0; j < rows.Length; j++)
        {
            var r = rows[j];
            users[j] = _users[r];
            items[j] = _items[r];
            ratings[j] = _ratings[r];
            if (timestamps is not null)
            {
                timestamps[j] = _timestamps![r];
            }
        }

        return new RatingsData(_userIds, _itemIds, users, items, ratings, timestamps);
    }

    /// <summary>The mean rating, in double; NaN for no rows.</summary>
    public double MeanRating()
    {
        double sum = 0;
        foreach (var rating in _ratings)
        {
            sum += rating;
        }

        return _ratings.Length == 0 ? double.NaN : sum / _ratings.Length;
    }

    /// <summary>The smallest and largest rating; (NaN, NaN) for no rows.</summary>
    public (float Min, float Max) RatingRange()
    {
        if (_ratings.Length == 0)
        {
            return (float.NaN, float.NaN);
        }

        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var rating in _ratings)
        {
            min = MathF.Min(min, rating);
            max = MathF.Max(max, rating);
        }

        return (min, max);
    }

    /// <summary>Wraps columns the caller built and owns no more (the reader, the splits): no copy, no checks.</summary>
    internal static RatingsData Wrap(string[] userIds, string[] itemIds, int[] users, int[] items, float[] ratings, long[]? timestamps) =>
        new(userIds, itemIds, users, items, ratings, timestamps);

    private static void RequireDistinct(IReadOnlyList<string> ids, string what, string parameter)
    {
        var seen = new HashSet<string>(ids.Count, StringComparer.Ordinal);
        foreach (var id in ids)
        {
            ArgumentNullException.ThrowIfNull(id, parameter);
            if (!seen.Add(id))
            {
                throw new ArgumentException($"The {what} id '{id}' is listed twice.", parameter);
            }
        }
    }
}
