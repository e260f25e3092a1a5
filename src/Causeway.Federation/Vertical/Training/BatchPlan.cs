namespace Causeway.Federation.Vertical.Training;

/// <summary>
/// The mini-batches of an epoch: a permutation of the aligned rows from the public seed, cut into consecutive batches.
/// Every role derives the same batches, so messages carry a batch number instead of row indices.
/// </summary>
public static class BatchPlan
{
    /// <summary>The rows of every batch of <paramref name="epoch"/>, in order.</summary>
    public static IReadOnlyList<int[]> Batches(int rows, int batchSize, ulong seed, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var order = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            order[i] = i;
        }

        new Random(unchecked((int)((seed * 0x9E3779B97F4A7C15UL) ^ (ulong)epoch))).Shuffle(order);
        var batches = new List<int[]>((rows + batchSize - 1) / batchSize);
        for (var start = 0; start < rows; start += batchSize)
        {
            batches.Add(order[start..Math.Min(rows, start + batchSize)]);
        }

        return batches;
    }
}
