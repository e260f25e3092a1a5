using System.Globalization;
using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Core.Serialization;
using Causeway.Core.Training;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Vectors;

namespace Causeway.EndToEnd.Tests;

/// <summary>The CLI with an encoder: install a model file, insert a CSV of raw rows, search by a raw row, through the process.</summary>
public sealed class VectorEncoderCliTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("causeway-encoder-cli-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task EncoderInsertSearch_EmbedRawRowsThroughTheInstalledModel_AndAWrongWidthIsRefused()
    {
        var store = Path.Combine(_root.FullName, "store");
        var table = SeparableTables.Table(seed: 3, rows: 30);
        var model = Train(table, hidden: [6, 4]);
        var modelPath = Path.Combine(_root.FullName, "model.cw");
        model.Save(modelPath);
        var wide = Path.Combine(_root.FullName, "wide.cw");
        Train(table, hidden: [5]).Save(wide);
        var rows = Path.Combine(_root.FullName, "rows.csv");
        await File.WriteAllTextAsync(rows, SeparableTables.Csv(seed: 3, rows: 30));

        Assert.Equal(0, (await CliRunner.RunAsync(TimeSpan.FromMinutes(2), "vectors", "create", "--store", store, "--collection", "rows", "--dim", "4")).ExitCode);
        var refused = await CliRunner.RunAsync(TimeSpan.FromMinutes(2), "vectors", "encoder", "--store", store, "--collection", "rows", "--model", wide);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("the model's last hidden layer has 5 units but the collection's vectors have 4 values", refused.Stderr, StringComparison.Ordinal);
        var noEncoder = await CliRunner.RunAsync(TimeSpan.FromMinutes(2), "vectors", "insert", "--store", store, "--collection", "rows", "--from", rows);
        Assert.NotEqual(0, noEncoder.ExitCode);
        Assert.Contains("has no encoder", noEncoder.Stderr, StringComparison.Ordinal);

        Assert.Equal(0, (await CliRunner.RunAsync(TimeSpan.FromMinutes(2), "vectors", "encoder", "--store", store, "--collection", "rows", "--model", modelPath)).ExitCode);
        var inserted = await CliRunner.RunAsync(TimeSpan.FromMinutes(2), "vectors", "insert", "--store", store, "--collection", "rows", "--from", rows);
        Assert.True(inserted.ExitCode == 0, inserted.Stderr);
        var searched = await CliRunner.RunAsync(TimeSpan.FromMinutes(2), "vectors", "search", "--store", store, "--collection", "rows", "--input", """{"x1": 1.5, "x2": 0.5, "x3": -0.25}""", "-k", "3", "--json");
        Assert.True(searched.ExitCode == 0, searched.Stderr);

        // What the process stored and found is the model's last hidden layer of each row, computed here.
        var embedded = Embed(model, table);
        using var collection = VectorCollection.Open(Path.Combine(store, "rows"));
        Assert.Equal(30, collection.Count);
        Assert.Equal(embedded[6], collection.Get("row-7")!.Vector, (a, b) => Math.Abs(a - b) <= 1e-5f);
        Assert.Equal(table.Labels[6] == 1 ? "yes" : "no", collection.Get("row-7")!.Payload!["label"]!.GetValue<string>());
        var probe = Embed(model, TableReader.ReadRecords([new Dictionary<string, string?> { ["x1"] = "1.5", ["x2"] = "0.5", ["x3"] = "-0.25" }], SeparableTables.Schema, "probe"))[0];
        var expected = collection.Search(probe, 3).Select(h => h.Id);
        var found = System.Text.Json.JsonDocument.Parse(searched.Stdout).RootElement.EnumerateArray().Select(h => h.GetProperty("id").GetString());
        Assert.Equal(expected, found);
    }

    private static TrainedModel Train(DataTable table, int[] hidden)
    {
        var statistics = FeatureStatistics.Compute(table);
        var encoded = FeatureEncoder.Encode(table, SeparableTables.Schema, statistics);
        var spec = new ModelSpec(LearningTask.BinaryClassification, encoded.Columns, 1, hidden);
        var parameters = CentralizedTrainer.Train(new DenseNetwork(spec), encoded, new TrainingPlan { Epochs = 3, BatchSize = 8, LearningRate = 0.1f }, seed: 1);
        return new TrainedModel(spec, parameters, SeparableTables.SchemaJson, statistics);
    }

    private static float[][] Embed(TrainedModel model, DataTable table)
    {
        var encoded = model.Encode(table);
        var network = new DenseNetwork(model.Spec);
        var values = new float[encoded.Rows * network.EmbeddingWidth];
        network.Embed(model.Parameters, encoded.Features, encoded.Rows, values);
        return [.. values.Chunk(network.EmbeddingWidth)];
    }
}
