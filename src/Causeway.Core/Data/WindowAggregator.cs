using System.Diagnostics;

namespace Causeway.Core.Data;

/// <summary>
/// Turns a long-format time-series table (read with a windowed schema's <see cref="WindowSpec.Input"/>) into one row
/// per entity and window, as <see cref="WindowSpec"/> describes.
/// </summary>
/// <remarks>
/// Over the present (non-NaN) values x₁…xₙ of a column at times t₁…tₙ in a window: mean = Σx/n; std = sqrt(Σ(x − mean)²/n)
/// (population); min; max; count = n; slope = Σ(t − t̄)(x − x̄) / Σ(t − t̄)², the least-squares slope in value units per
/// second (0 when all times are equal). With n = 0 every aggregate but count is NaN, a missing value the encoder
/// imputes with the federation mean. <see cref="TableReader"/> calls this for a windowed schema.
/// </remarks>
public static class WindowAggregator
{
    /// <summary>Aggregates <paramref name="input"/> into the rows of <paramref name="schema"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="schema"/> has no window, or <paramref name="input"/> was not read with its input schema.</exception>
    public static DataTable Aggregate(DataTable input, DataSchema schema)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(schema);
        var spec = schema.Window ?? throw new ArgumentException($"Schema '{schema.SourceName}' declares no window.", nameof(schema));
        if (!input.Schema.Columns.SequenceEqual(spec.Input.Columns))
        {
            throw new ArgumentException($"The table from '{input.SourceName}' was not read with the input columns of '{schema.SourceName}'.", nameof(input));
        }

        var times = input.Timestamps(spec.Timestamp);
        var entities = spec.Entity is null ? null : input.Ids(spec.Entity);
        var groups = Group(times, entities, spec.Seconds);

        var valueColumns = spec.Input.Columns.Where(c => c.Type == ColumnType.Numeric).ToArray();
        var count = schema.Columns.Count;
        var numeric = new double[]?[count];
        var strings = new string[]?[count];
        var labels = new float[groups.Count];
        var output = 0;
        if (spec.Entity is not null)
        {
            strings[output++] = [.. groups.Select(g => g.Entity)];
        }

        foreach (var column in valueColumns)
        {
            var values = input.Numeric(column.Name);
            var aggregated = spec.Aggregates.Select(_ => new double[groups.Count]).ToArray();
            for (var g = 0; g < groups.Count; g++)
            {
                Summarise(groups[g].Rows, values, times, spec.Aggregates, aggregated, g);
            }

            foreach (var series in aggregated)
            {
                numeric[output++] = series;
            }
        }

        Debug.Assert(output == count - 1, "The label is the last output column.");
        var classification = !schema.Label.Regression;
        for (var g = 0; g < groups.Count; g++)
        {
            labels[g] = !input.HasLabels ? float.NaN
                : spec.Label == WindowLabel.Last ? input.Labels[groups[g].Rows.MaxBy(r => times[r])]
                : classification ? Majority(groups[g].Rows, input.Labels)
                : (float)groups[g].Rows.Average(r => input.Labels[r]);
        }

        return new DataTable(
            schema, input.SourceName, numeric, new int[]?[count], strings, new bool[]?[count], labels, input.HasLabels, input.DroppedRows,
            input.MissingCounts, input.UnknownCategoryCounts);
    }

    private static List<(string Entity, long Window, List<int> Rows)> Group(double[] times, string[]? entities, double? seconds)
    {
        var groups = new List<(string Entity, long Window, List<int> Rows)>();
        var index = new Dictionary<(string, long), int>();
        var entityOrder = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var r = 0; r < times.Length; r++)
        {
            var entity = entities?[r] ?? string.Empty;
            entityOrder.TryAdd(entity, entityOrder.Count);
            var window = seconds is { } length ? (long)Math.Floor(times[r] / length) : 0;
            if (!index.TryGetValue((entity, window), out var g))
            {
                index[(entity, window)] = g = groups.Count;
                groups.Add((entity, window, []));
            }

            groups[g].Rows.Add(r);
        }

        return [.. groups.OrderBy(g => entityOrder[g.Entity]).ThenBy(g => g.Window)];
    }

    private static void Summarise(
        List<int> rows, double[] values, double[] times, IReadOnlyList<WindowAggregate> aggregates, double[][] destination, int group)
    {
        long n = 0;
        double sum = 0, timeSum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var r in rows)
        {
            if (!double.IsNaN(values[r]))
            {
                n++;
                sum += values[r];
                timeSum += times[r];
                min = Math.Min(min, values[r]);
                max = Math.Max(max, values[r]);
            }
        }

        var mean = n == 0 ? double.NaN : sum / n;
        var meanTime = n == 0 ? double.NaN : timeSum / n;
        double squares = 0, covariance = 0, timeSquares = 0;
        foreach (var r in rows)
        {
            if (!double.IsNaN(values[r]))
            {
                var dx = values[r] - mean;
                var dt = times[r] - meanTime;
                squares += dx * dx;
                covariance += dt * dx;
                timeSquares += dt * dt;
            }
        }

        for (var a = 0; a < aggregates.Count; a++)
        {
            destination[a][group] = aggregates[a] switch
            {
                WindowAggregate.Count => n,
                _ when n == 0 => double.NaN,
                WindowAggregate.Mean => mean,
                WindowAggregate.Std => Math.Sqrt(squares / n),
                WindowAggregate.Min => min,
                WindowAggregate.Max => max,
                WindowAggregate.Slope => timeSquares > 0 ? covariance / timeSquares : 0.0,
                _ => throw new UnreachableException(),
            };
        }
    }

    private static float Majority(List<int> rows, float[] labels)
    {
        var counts = new SortedDictionary<float, int>();
        foreach (var r in rows)
        {
            counts[labels[r]] = counts.GetValueOrDefault(labels[r]) + 1;
        }

        return counts.MaxBy(p => p.Value).Key;
    }
}
