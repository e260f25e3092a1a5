using System.Text.Json;
using System.Text.Json.Nodes;
using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Core.Serialization;
using Causeway.Core.Tensors;
using Causeway.Core.Training;
using Causeway.EndToEnd.Tests.Infrastructure;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// The test vectors of docs/protocol.md ("Reference computations"), in docs/protocol-vectors: a small table and its
/// schema, the statistics_json a party sends for it, the matrix it trains on (with its own statistics as the merged
/// ones) and one local training of a logistic model from a given global model. This code computes each from the table
/// and the files must hold exactly that, so an implementation in another language can check itself against them
/// (the reference Python party does: PythonPartyTests). <c>CAUSEWAY_UPDATE_DOCS=1</c> rewrites them.
/// </summary>
public sealed class ProtocolVectorTests
{
    private static readonly string Directory = Path.Combine(CliRunner.RepositoryRoot(), "docs", "protocol-vectors");

    // The training step: three full-batch epochs of SGD with momentum, weight decay and the proximal term, so every term
    // of LocalTrainer's update is exercised; a full batch does not depend on the shuffle, so any implementation can match.
    private static readonly TrainingPlan Plan = new() { Epochs = 3, BatchSize = 0, LearningRate = 0.5f, Momentum = 0.5f, WeightDecay = 0.01f, ProximalMu = 0.1f };
    private static readonly float[] GlobalWeights = [0.1f, -0.2f, 0.05f, 0f, -0.05f];
    private static readonly float[] GlobalBias = [0.02f];

    [Fact]
    public void Vectors_AreWhatThisCodeComputesFromTheTable()
    {
        var schemaJson = File.ReadAllText(Path.Combine(Directory, "schema.json"));
        var schema = DataSchema.Parse(schemaJson, "schema.json");
        var table = TableReader.Read(Path.Combine(Directory, "table.csv"), schema);
        var statistics = FeatureStatistics.Compute(table);
        var encoded = FeatureEncoder.Encode(table, schema, statistics);
        var spec = new ModelSpec(LearningTask.BinaryClassification, encoded.Columns, 1);
        var network = new DenseNetwork(spec);
        var global = new ParameterSet(network.Layout, [.. GlobalWeights, .. GlobalBias]);
        var outcome = LocalTrainer.Train(network, global, encoded, Plan, seed: 7);

        var computed = new Dictionary<string, JsonNode>
        {
            ["statistics.json"] = JsonNode.Parse(FeatureStatisticsJson.Serialize(statistics))!,
            ["encoded.json"] = new JsonObject
            {
                ["features"] = Matrix(encoded.Features, encoded.Rows, encoded.Columns),
                ["labels"] = new JsonArray([.. encoded.Labels.Select(l => (JsonNode)(double)l)]),
            },
            ["train-step.json"] = new JsonObject
            {
                ["model"] = JsonNode.Parse(ModelSpecJson.Serialize(spec)),
                ["plan"] = new JsonObject
                {
                    ["epochs"] = Plan.Epochs, ["batch_size"] = Plan.BatchSize, ["learning_rate"] = Plan.LearningRate,
                    ["momentum"] = Plan.Momentum, ["weight_decay"] = Plan.WeightDecay, ["proximal_mu"] = Plan.ProximalMu,
                },
                ["global"] = Tensors(global),
                ["delta"] = Tensors(new ParameterSet(network.Layout, [.. outcome.Parameters.Values.ToArray().Zip(global.Values.ToArray(), (a, b) => a - b)])),
                ["examples"] = outcome.Examples,
                ["train_loss"] = outcome.MeanLoss,
            },
        };

        foreach (var (name, node) in computed)
        {
            var path = Path.Combine(Directory, name);
            if (Environment.GetEnvironmentVariable("CAUSEWAY_UPDATE_DOCS") == "1")
            {
                File.WriteAllText(path, node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            }

            Assert.True(
                JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(path)), node),
                $"docs/protocol-vectors/{name} is not what the code computes; run `CAUSEWAY_UPDATE_DOCS=1 dotnet test --filter ProtocolVectorTests` and review the change");
        }

        // What the vectors pin down, in numbers a reader can check by hand: 8 rows; age's exact sum 339 and sum of squares
        // 15 689; the first row's age standardised with the population deviation; city one-hot in category order.
        Assert.Equal(8, statistics.Rows);
        Assert.Equal(339, statistics.Sums[0].Value);
        Assert.Equal(15689, statistics.SumsOfSquares[0].Value);
        var mean = 339 / 8.0;
        var deviation = Math.Sqrt((15689 / 8.0) - (mean * mean));
        Assert.Equal((float)((34 - mean) / deviation), encoded.Features[0], 6);
        Assert.Equal([1f, 0f, 0f], encoded.Features[2..5]);
        Assert.Equal(8, outcome.Examples);
    }

    private static JsonArray Matrix(float[] values, int rows, int columns) =>
        new([.. Enumerable.Range(0, rows).Select(r => (JsonNode)new JsonArray([.. values.Skip(r * columns).Take(columns).Select(v => (JsonNode)(double)v)]))]);

    private static JsonObject Tensors(ParameterSet parameters)
    {
        var result = new JsonObject();
        foreach (var tensor in parameters.Layout.Tensors)
        {
            result[tensor.Name] = new JsonObject
            {
                ["shape"] = new JsonArray([.. tensor.Shape.Select(s => (JsonNode)s)]),
                ["values"] = new JsonArray([.. parameters.Values[parameters.Layout.RangeOf(tensor.Name)].ToArray().Select(v => (JsonNode)(double)v)]),
            };
        }

        return result;
    }
}
