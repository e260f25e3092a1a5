using System.Text.Json;
using System.Text.Json.Nodes;
using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Core.Serialization;
using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal;

/// <summary>
/// What every party of a horizontal run works with: the model architecture, the federation's data schema, and the
/// feature statistics merged from the parties' <see cref="DataDescription"/>s. The coordinator fixes it when the run
/// starts (<see cref="Agree"/>), stores it so a resumed run continues with the same one, and sends it with every task;
/// each party encodes its table with it, so every party standardises its features identically.
/// </summary>
public sealed record RunSetup(ModelSpec Model, string SchemaJson, FeatureStatistics Statistics)
{
    // Schema files may hold comments and trailing commas (DataSchema reads them so), and so may their JSON text here. A
    // repeated property is a JsonException (as DataSchema refuses it) instead of an ArgumentException when the node is read.
    private static readonly JsonDocumentOptions SchemaOptions =
        new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, AllowDuplicateProperties = false };

    private static readonly JsonDocumentOptions SetupOptions = new() { AllowDuplicateProperties = false };

    /// <summary>
    /// Checks that every party describes its data with the same schema, merges their statistics and sizes the model
    /// from the schema with <paramref name="model"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// No party, a party without a description, schemas that differ, or statistics that do not fit the schema;
    /// the message names the party.
    /// </exception>
    public static RunSetup Agree(IReadOnlyList<(PartyId Party, DataDescription? Data)> parties, Func<DataSchema, ModelSpec> model)
    {
        ArgumentNullException.ThrowIfNull(parties);
        ArgumentNullException.ThrowIfNull(model);
        if (parties.Count == 0)
        {
            throw new InvalidOperationException("No party is connected.");
        }

        var (firstParty, first) = parties[0];
        var reference = first ?? throw NotDescribed(firstParty);
        DataSchema schema;
        try
        {
            schema = DataSchema.Parse(reference.SchemaJson, $"party '{firstParty}''s schema");
        }
        catch (DataFormatException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }

        foreach (var (party, data) in parties)
        {
            var description = data ?? throw NotDescribed(party);
            if (!SameSchema(description.SchemaJson, reference.SchemaJson))
            {
                throw new InvalidOperationException(
                    $"Party '{party}' reads its data with a different schema than party '{firstParty}'; every party of a run must use the federation's schema file unchanged.");
            }

            if (FeatureEncoder.DescribeMismatch(schema, description.Statistics) is { } mismatch)
            {
                throw new InvalidOperationException($"Party '{party}''s feature statistics do not fit the schema: {mismatch}.");
            }
        }

        var statistics = FeatureStatistics.Merge(parties.Select(p => p.Data!.Statistics));
        return new RunSetup(model(schema), reference.SchemaJson, statistics);
    }

    /// <summary>
    /// Why a party that describes its data as <paramref name="data"/> cannot take part in a run with this setup, or null
    /// when it can: it must read its table with the run's schema, and its statistics must fit that schema. A party that
    /// joins while the run goes on is checked so before it is selected; its statistics are not merged (the setup never
    /// changes during a run), so it standardises its features with the statistics the run started with.
    /// </summary>
    public string? DescribeMisfit(DataDescription? data)
    {
        if (data is null)
        {
            return "it joined without describing its data (start it with --data and --schema)";
        }

        if (!SameSchema(data.SchemaJson, SchemaJson))
        {
            return "it reads its data with a different schema than the run's";
        }

        try
        {
            var schema = DataSchema.Parse(SchemaJson, "the run's schema");
            return FeatureEncoder.DescribeMismatch(schema, data.Statistics) is { } mismatch ? $"its feature statistics do not fit the schema: {mismatch}" : null;
        }
        catch (DataFormatException e)
        {
            return e.Message;
        }
    }

    /// <summary>True when the two schema texts are the same JSON value (whitespace and property order aside).</summary>
    public static bool SameSchema(string schemaJson, string otherSchemaJson)
    {
        ArgumentNullException.ThrowIfNull(schemaJson);
        ArgumentNullException.ThrowIfNull(otherSchemaJson);
        try
        {
            return JsonNode.DeepEquals(JsonNode.Parse(schemaJson, documentOptions: SchemaOptions), JsonNode.Parse(otherSchemaJson, documentOptions: SchemaOptions));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The global model with its feature pipeline, ready to save as a model file.</summary>
    public TrainedModel ToTrainedModel(ParameterSet parameters) => new(Model, parameters, SchemaJson, Statistics);

    public string ToJson()
    {
        var json = new JsonObject
        {
            ["model"] = JsonNode.Parse(ModelSpecJson.Serialize(Model)),
            ["schema"] = JsonNode.Parse(SchemaJson, documentOptions: SchemaOptions),
            ["statistics"] = JsonNode.Parse(FeatureStatisticsJson.Serialize(Statistics)),
        };
        return json.ToJsonString();
    }

    /// <exception cref="InvalidDataException">The text is not a run setup; the message names <paramref name="sourceName"/>.</exception>
    public static RunSetup Parse(string json, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            var root = JsonNode.Parse(json, documentOptions: SetupOptions)?.AsObject() ?? throw new InvalidDataException($"{sourceName}: the run setup is null.");
            var model = ModelSpecJson.Deserialize(Required(root, "model", sourceName));
            var schema = Required(root, "schema", sourceName);
            var statistics = FeatureStatisticsJson.Deserialize(Required(root, "statistics", sourceName), $"{sourceName}, statistics");
            return new RunSetup(model, schema, statistics);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new InvalidDataException($"{sourceName}: not a valid run setup: {e.Message}", e);
        }
    }

    private static string Required(JsonObject root, string name, string sourceName) =>
        root[name]?.ToJsonString() ?? throw new InvalidDataException($"{sourceName}: the run setup has no '{name}'.");

    private static InvalidOperationException NotDescribed(PartyId party) =>
        new($"Party '{party}' joined without describing its data; start it with --data and --schema so the federation can agree on features.");
}
