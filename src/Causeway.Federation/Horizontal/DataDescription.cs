using Causeway.Core.Data;
using Causeway.Federation.Recommendation.Network;

namespace Causeway.Federation.Horizontal;

/// <summary>
/// What a party tells the federation about its local training data when it joins: the schema it reads the table
/// with, and aggregate <see cref="FeatureStatistics"/> of the table (row count; per numeric column the count, exact
/// sum and exact sum of squares of the present values; per categorical column the count of each category). Never rows.
/// </summary>
/// <remarks>
/// The coordinator sees every party's description; every party of a run then receives only the merged statistics
/// (see <see cref="RunSetup"/>). A party with very few rows therefore reveals its column means to the coordinator.
/// </remarks>
public sealed record DataDescription(string SchemaJson, FeatureStatistics Statistics)
{
    /// <summary>Describes <paramref name="train"/>, read with the schema whose JSON text is <paramref name="schemaJson"/>.</summary>
    public static DataDescription Of(string schemaJson, DataTable train)
    {
        ArgumentNullException.ThrowIfNull(schemaJson);
        ArgumentNullException.ThrowIfNull(train);
        return new DataDescription(schemaJson, FeatureStatistics.Compute(train));
    }

    /// <summary>
    /// Why no run could use this description, or null: a table party's <see cref="SchemaJson"/> must be a valid schema
    /// and its statistics must fit it (the columns and categories the schema encodes). Checked when a party joins, so a
    /// bad description is refused then, naming the field, rather than at the next run's start.
    /// </summary>
    public string? DescribeProblem()
    {
        if (Ratings is not null)
        {
            return null;
        }

        DataSchema schema;
        try
        {
            schema = DataSchema.Parse(SchemaJson, "schema_json");
        }
        catch (DataFormatException e)
        {
            return e.Message;
        }

        return FeatureEncoder.DescribeMismatch(schema, Statistics) is { } mismatch ? $"statistics_json does not fit schema_json: {mismatch}" : null;
    }

    /// <summary>
    /// A ratings party's ratings (recommendation runs), or null for a party with a table. A ratings party has no schema
    /// (empty <see cref="SchemaJson"/>) and no table statistics, so no horizontal run selects it.
    /// </summary>
    public RatingsDescription? Ratings { get; init; }

    /// <summary>Describes a ratings party (see <see cref="Ratings"/>).</summary>
    public static DataDescription OfRatings(RatingsDescription ratings)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        var none = new FeatureStatistics
        {
            Rows = 0,
            NumericColumns = [],
            Counts = [],
            Sums = [],
            SumsOfSquares = [],
            CategoricalColumns = [],
            CategoryCounts = [],
        };
        return new DataDescription(string.Empty, none) { Ratings = ratings };
    }
}
