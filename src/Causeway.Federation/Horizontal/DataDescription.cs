using Causeway.Core.Data;

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
}
