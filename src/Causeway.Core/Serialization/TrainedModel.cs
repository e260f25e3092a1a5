using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Core.Tensors;

namespace Causeway.Core.Serialization;

/// <summary>
/// A model ready for inference anywhere: the network, its parameters, and what is needed to turn a raw table
/// into the exact features it was trained on (the federation's schema and the merged feature statistics).
/// </summary>
/// <remarks>
/// Stored as a <see cref="ModelFile"/> whose metadata also holds <see cref="SchemaKey"/> (the schema file's JSON)
/// and <see cref="StatisticsKey"/> (the federated <see cref="FeatureStatistics"/>: counts and sums, no rows).
/// </remarks>
public sealed record TrainedModel(ModelSpec Spec, ParameterSet Parameters, string SchemaJson, FeatureStatistics Statistics)
{
    public const string SchemaKey = "causeway.schema";

    public const string StatisticsKey = "causeway.statistics";

    private DataSchema? _schema;

    public DataSchema Schema => _schema ??= DataSchema.Parse(SchemaJson, "the model's embedded schema");

    /// <summary>Encodes a table read with <see cref="Schema"/> into model inputs, standardised like the training data.</summary>
    public TabularData Encode(DataTable table) => FeatureEncoder.Encode(table, Schema, Statistics);

    public void Save(string path) => ModelFile.Save(path, Spec, Parameters, PipelineMetadata());

    /// <summary>Writes the same bytes as <see cref="Save"/> to <paramref name="stream"/>.</summary>
    public void Write(Stream stream) => ModelFile.Write(stream, Spec, Parameters, PipelineMetadata());

    /// <exception cref="InvalidDataException">The file is not a model, or lacks the schema or statistics.</exception>
    public static TrainedModel Load(string path)
    {
        var (spec, parameters, metadata) = ModelFile.Load(path);
        if (!metadata.TryGetValue(SchemaKey, out var schemaJson) || !metadata.TryGetValue(StatisticsKey, out var statisticsJson))
        {
            throw new InvalidDataException(
                $"'{path}' holds a model but not its feature pipeline ('{SchemaKey}' and '{StatisticsKey}' metadata); it cannot encode raw rows.");
        }

        var statistics = FeatureStatisticsJson.Deserialize(statisticsJson, $"'{path}', metadata '{StatisticsKey}'");
        return new TrainedModel(spec, parameters, schemaJson, statistics);
    }

    private Dictionary<string, string> PipelineMetadata() => new(StringComparer.Ordinal)
    {
        [SchemaKey] = SchemaJson,
        [StatisticsKey] = FeatureStatisticsJson.Serialize(Statistics),
    };
}
