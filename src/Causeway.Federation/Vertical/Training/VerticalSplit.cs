using Causeway.Core.Data;

namespace Causeway.Federation.Vertical.Training;

/// <summary>
/// Which party holds which encoded features: a column → party map applied to the encoder's feature names (a numeric
/// column's name, or <c>column=category</c> for each one-hot feature), so a categorical column's features stay together.
/// </summary>
public sealed class VerticalSplit
{
    private VerticalSplit(IReadOnlyList<string> parties, IReadOnlyList<int[]> features)
    {
        Parties = parties;
        Features = features;
    }

    /// <summary>Party names; the first is the guest.</summary>
    public IReadOnlyList<string> Parties { get; }

    /// <summary>Per party, the indices of its encoded features, ascending.</summary>
    public IReadOnlyList<int[]> Features { get; }

    /// <summary>Builds the split for a schema's encoded features.</summary>
    /// <exception cref="VerticalConfigException">A feature column has no party, or the map names a column that is not a feature column of the schema, or a party gets no feature.</exception>
    public static VerticalSplit Create(DataSchema schema, IReadOnlyList<string> parties, IReadOnlyDictionary<string, string> columns)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(parties);
        ArgumentNullException.ThrowIfNull(columns);
        var featureColumns = schema.Columns.Where(c => c.Type is ColumnType.Numeric or ColumnType.Categorical).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in columns.Keys)
        {
            if (!featureColumns.Contains(name))
            {
                throw new VerticalConfigException($"columns.{name}: schema '{schema.SourceName}' has no numeric or categorical column of that name.");
            }
        }

        var names = FeatureEncoder.FeatureNames(schema);
        var lists = parties.Select(_ => new List<int>()).ToArray();
        for (var f = 0; f < names.Count; f++)
        {
            var column = featureColumns.Where(c => names[f] == c || names[f].StartsWith(c + "=", StringComparison.Ordinal)).MaxBy(c => c.Length)
                ?? throw new VerticalConfigException($"Feature '{names[f]}' of schema '{schema.SourceName}' comes from a column type vertical training does not split.");
            if (!columns.TryGetValue(column, out var party))
            {
                throw new VerticalConfigException($"columns: column '{column}' of schema '{schema.SourceName}' is given to no party.");
            }

            lists[IndexOf(parties, party)].Add(f);
        }

        for (var p = 0; p < parties.Count; p++)
        {
            if (lists[p].Count == 0)
            {
                throw new VerticalConfigException($"columns: party '{parties[p]}' holds no column.");
            }
        }

        return new VerticalSplit(parties, [.. lists.Select(l => l.ToArray())]);
    }

    /// <summary>Cuts encoded rows into each party's columns (the guest first).</summary>
    public VerticalPartyData[] Split(TabularData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var parts = new VerticalPartyData[Parties.Count];
        for (var p = 0; p < parts.Length; p++)
        {
            var indices = Features[p];
            var features = new float[data.Rows * indices.Length];
            for (var i = 0; i < data.Rows; i++)
            {
                var row = data.Row(i);
                for (var j = 0; j < indices.Length; j++)
                {
                    features[(i * indices.Length) + j] = row[indices[j]];
                }
            }

            parts[p] = new VerticalPartyData(features, data.Rows, indices.Length, [.. indices.Select(f => data.FeatureNames[f])]);
        }

        return parts;
    }

    private static int IndexOf(IReadOnlyList<string> parties, string party)
    {
        for (var p = 0; p < parties.Count; p++)
        {
            if (parties[p] == party)
            {
                return p;
            }
        }

        throw new VerticalConfigException($"columns: party '{party}' is not in parties.");
    }
}
