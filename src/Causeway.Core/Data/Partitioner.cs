namespace Causeway.Core.Data;

/// <summary>
/// Splits the rows of one table between simulated parties, the usual ways of federated learning benchmarks.
/// Every row lands in exactly one part, every part is non-empty, rows within a part are in ascending order, and the
/// result depends only on the arguments (randomness comes from the injected <see cref="Random"/>).
/// </summary>
public static class Partitioner
{
    /// <summary>IID: shuffles the rows and deals them into parts whose sizes differ by at most one.</summary>
    public static IReadOnlyList<int[]> Iid(int rows, int parties, Random random)
    {
        Validate(rows, parties, random);
        var order = Shuffled(rows, random);
        var sizes = new int[parties];
        for (var p = 0; p < parties; p++)
        {
            sizes[p] = (rows / parties) + (p < rows % parties ? 1 : 0);
        }

        return Chunk(order, sizes);
    }

    /// <summary>
    /// Label skew (Hsu, Qi and Brown, "Measuring the Effects of Non-Identical Data Distribution for Federated Visual
    /// Classification", 2019): for each class in turn, its rows are shuffled and split between the parties in
    /// proportions drawn from a symmetric Dirichlet(alpha). Small alpha (0.1) gives each party few classes; large alpha
    /// (100) approaches IID.
    /// </summary>
    /// <remarks>
    /// A class's share is rounded to whole rows by the largest-remainder method. Then, so that no party is empty,
    /// each empty party in turn takes one row from the currently largest party (lowest index on ties); that party
    /// always has at least two rows because there are at least as many rows as parties.
    /// </remarks>
    /// <param name="labels">The class index (0 to <paramref name="classes"/> - 1) of every row.</param>
    /// <param name="classes">The number of classes.</param>
    /// <param name="parties">The number of parts; at most the number of rows.</param>
    /// <param name="alpha">The Dirichlet concentration, greater than 0.</param>
    /// <param name="random">The source of randomness.</param>
    public static IReadOnlyList<int[]> Dirichlet(ReadOnlySpan<float> labels, int classes, int parties, double alpha, Random random)
    {
        Validate(labels.Length, parties, random);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        ValidateAlpha(alpha);
        var byClass = new List<int>[classes];
        for (var k = 0; k < classes; k++)
        {
            byClass[k] = [];
        }

        for (var r = 0; r < labels.Length; r++)
        {
            var label = labels[r];
            if (!(label >= 0f && label < classes && label == MathF.Floor(label)))
            {
                throw new ArgumentException($"Row {r} has label {label}, which is not a class index from 0 to {classes - 1}.", nameof(labels));
            }

            byClass[(int)label].Add(r);
        }

        var parts = new List<int>[parties];
        for (var p = 0; p < parties; p++)
        {
            parts[p] = [];
        }

        var proportions = new double[parties];
        foreach (var members in byClass)
        {
            var rows = members.ToArray();
            random.Shuffle(rows);
            GammaSampler.Dirichlet(alpha, random, proportions);
            var sizes = Apportion(rows.Length, proportions);
            var next = 0;
            for (var p = 0; p < parties; p++)
            {
                parts[p].AddRange(rows.AsSpan(next, sizes[p]));
                next += sizes[p];
            }
        }

        for (var p = 0; p < parties; p++)
        {
            if (parts[p].Count == 0)
            {
                var largest = 0;
                for (var q = 1; q < parties; q++)
                {
                    largest = parts[q].Count > parts[largest].Count ? q : largest;
                }

                parts[p].Add(parts[largest][^1]);
                parts[largest].RemoveAt(parts[largest].Count - 1);
            }
        }

        return [.. parts.Select(Sorted)];
    }

    /// <summary>
    /// Quantity skew: IID rows, but party sizes in proportions drawn from a symmetric Dirichlet(alpha).
    /// </summary>
    /// <remarks>Each party first gets one row; the remaining rows - parties are shared by the largest-remainder method.</remarks>
    public static IReadOnlyList<int[]> QuantitySkew(int rows, int parties, double alpha, Random random)
    {
        Validate(rows, parties, random);
        ValidateAlpha(alpha);
        var proportions = new double[parties];
        GammaSampler.Dirichlet(alpha, random, proportions);
        var sizes = Apportion(rows - parties, proportions);
        for (var p = 0; p < parties; p++)
        {
            sizes[p]++;
        }

        return Chunk(Shuffled(rows, random), sizes);
    }

    /// <summary>
    /// A natural partition: one part per distinct value (for example the hospital or site id of each row),
    /// ordered by key (ordinal).
    /// </summary>
    public static IReadOnlyList<(string Key, int[] Rows)> ByColumn(IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var groups = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        for (var r = 0; r < values.Count; r++)
        {
            var key = values[r] ?? throw new ArgumentException($"Row {r} has a null key.", nameof(values));
            if (!groups.TryGetValue(key, out var rows))
            {
                groups[key] = rows = [];
            }

            rows.Add(r);
        }

        return [.. groups.Select(g => (g.Key, g.Value.ToArray()))];
    }

    /// <summary>Splits total into whole parts proportional to the weights (largest remainder, lowest index on ties).</summary>
    internal static int[] Apportion(int total, ReadOnlySpan<double> weights)
    {
        var sum = 0.0;
        foreach (var w in weights)
        {
            sum += w;
        }

        var sizes = new int[weights.Length];
        var remainders = new double[weights.Length];
        var given = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            var exact = total * (weights[i] / sum);
            sizes[i] = (int)Math.Floor(exact);
            remainders[i] = exact - sizes[i];
            given += sizes[i];
        }

        // Rounding can make the floors sum to a little more or less than total; settle the difference one row at a time.
        var order = Enumerable.Range(0, weights.Length).OrderByDescending(i => remainders[i]).ThenBy(i => i).ToArray();
        for (var k = 0; given < total; k = (k + 1) % order.Length)
        {
            sizes[order[k]]++;
            given++;
        }

        for (var k = order.Length - 1; given > total; k = (k + order.Length - 1) % order.Length)
        {
            if (sizes[order[k]] > 0)
            {
                sizes[order[k]]--;
                given--;
            }
        }

        return sizes;
    }

    private static int[] Shuffled(int rows, Random random)
    {
        var order = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            order[i] = i;
        }

        random.Shuffle(order);
        return order;
    }

    private static int[][] Chunk(int[] order, int[] sizes)
    {
        var parts = new int[sizes.Length][];
        var next = 0;
        for (var p = 0; p < sizes.Length; p++)
        {
            parts[p] = order[next..(next + sizes[p])];
            Array.Sort(parts[p]);
            next += sizes[p];
        }

        return parts;
    }

    private static int[] Sorted(List<int> rows)
    {
        var result = rows.ToArray();
        Array.Sort(result);
        return result;
    }

    private static void Validate(int rows, int parties, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parties);
        if (rows < parties)
        {
            throw new ArgumentException($"{rows} rows cannot give each of {parties} parties at least one row.", nameof(rows));
        }
    }

    private static void ValidateAlpha(double alpha)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(alpha);
        if (!double.IsFinite(alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The Dirichlet concentration must be finite.");
        }
    }
}
