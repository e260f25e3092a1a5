namespace Causeway.Federation.Vertical.Training;

/// <summary>What a vertical simulation measured.</summary>
/// <param name="Name">The config's name.</param>
/// <param name="TrainRows">Aligned training rows.</param>
/// <param name="TestRows">Held-out rows.</param>
/// <param name="Parties">Party names, the guest first.</param>
/// <param name="FeaturesPerParty">Encoded features per party.</param>
/// <param name="Scores">Centralized first, then the vertical runs.</param>
public sealed record VerticalSimulationResult(string Name, int TrainRows, int TestRows, IReadOnlyList<string> Parties, IReadOnlyList<int> FeaturesPerParty, IReadOnlyList<VerticalScore> Scores)
{
    /// <summary>The vertical split network as trained (plain), with what exporting its parts needs; null for linear models.</summary>
    public TrainedSplitNetwork? SplitNetwork { get; init; }
}

/// <summary>A trained split network with the schema, the training statistics and the column map its parts encode their rows with.</summary>
/// <param name="Schema">The data schema.</param>
/// <param name="Statistics">The training rows' feature statistics (standardisation, imputation).</param>
/// <param name="Parties">The parties, the guest first (the order of <see cref="SplitNetworkModel.Bottoms"/>).</param>
/// <param name="Columns">Which party holds each column.</param>
/// <param name="Model">The bottoms and the top.</param>
public sealed record TrainedSplitNetwork(
    Core.Data.DataSchema Schema, Core.Data.FeatureStatistics Statistics, IReadOnlyList<string> Parties, IReadOnlyDictionary<string, string> Columns, SplitNetworkModel Model);
