using System.Globalization;
using System.Text;
using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Core.Serialization;
using Causeway.Core.Training;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// Models exported as ONNX, run by ONNX Runtime on raw columns, against Causeway's own pipeline and network on the same
/// rows (at most 1e-5 apart): every scaling, binning, imputation and indicator, categories, and every head.
/// </summary>
public sealed class OnnxExportTests : IDisposable
{
    private const string SchemaJson = """
        {
          "format": { "delimiter": ",", "header": true, "missingValues": ["?"] },
          "columns": [
            { "name": "age", "type": "numeric", "missing": "impute-mean" },
            { "name": "dose", "type": "numeric", "scale": "minmax", "range": [0, 50], "missing": "impute-constant", "fill": 10, "indicator": true },
            { "name": "count", "type": "numeric", "scale": "none", "missing": "impute-zero" },
            { "name": "weight", "type": "numeric", "bins": { "count": 4, "method": "equal-width" }, "range": [40, 120], "missing": "impute-mean" },
            { "name": "score", "type": "numeric", "bins": { "count": 3, "method": "quantile", "resolution": 64 }, "range": [0, 1], "missing": "impute-zero", "indicator": true },
            { "name": "colour", "type": "categorical", "categories": ["red", "green", "blue"], "missing": "impute-mean" },
            { "name": "ignored", "type": "ignore" },
            { "name": "label", "type": "label", "classes": LABEL }
          ]
        }
        """;

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("causeway-onnx-");

    public void Dispose() => _root.Delete(recursive: true);

    [Theory]
    [InlineData("binary", new int[0])]
    [InlineData("binary", new[] { 8, 4 })]
    [InlineData("multiclass", new[] { 6 })]
    [InlineData("regression", new[] { 5 })]
    public void Export_RunByOnnxRuntimeOnRawColumns_MatchesCausewaysPipelineAndNetwork(string task, int[] hidden)
    {
        var (model, table, csv) = Train(task, hidden, rows: 240);

        var onnx = Run(model, csv);
        var expected = Predict(model, table);

        Assert.Equal(expected.Length, onnx.Length);
        var worst = expected.Zip(onnx, (e, o) => Math.Abs(e - o)).Max();
        Assert.True(worst <= 1e-5, $"max |causeway - onnx| = {worst:E2}");
        Assert.Contains(expected, v => v is > 0.05f and < 0.95f || task == "regression");
    }

    [Fact]
    public async Task ExportCommand_AndPredictCommand_AgreeOnTheSameRows()
    {
        var (model, _, csv) = Train("binary", [6, 3], rows: 120);
        var modelPath = Path.Combine(_root.FullName, "model.cw");
        var dataPath = Path.Combine(_root.FullName, "rows.csv");
        var onnxPath = Path.Combine(_root.FullName, "model.onnx");
        var predictions = Path.Combine(_root.FullName, "predictions.csv");
        model.Save(modelPath);
        await File.WriteAllTextAsync(dataPath, csv);

        var exported = await CliRunner.RunAsync(TimeSpan.FromMinutes(2), "export", "--model", modelPath, "--format", "onnx", "--out", onnxPath);
        Assert.True(exported.ExitCode == 0, exported.Stderr);
        var predicted = await CliRunner.RunAsync(TimeSpan.FromMinutes(2), "predict", "--model", modelPath, "--data", dataPath, "--out", predictions);
        Assert.True(predicted.ExitCode == 0, predicted.Stderr);

        var fromCli = File.ReadAllLines(predictions).Skip(1).Select(l => double.Parse(l.Split(',')[2], CultureInfo.InvariantCulture)).ToArray(); // row,prediction,probability
        using var session = new InferenceSession(onnxPath);
        var fromOnnx = Run(session, model.Schema, csv);
        Assert.Equal(fromCli.Length, fromOnnx.Length);
        Assert.All(fromCli.Zip(fromOnnx), p => Assert.Equal(p.First, p.Second, 1e-5));
        Assert.False(File.Exists(onnxPath + ".partial"));
    }

    [Fact]
    public void Export_ATextColumn_IsRefusedNamingIt()
    {
        const string textSchema = """
            { "columns": [ { "name": "note", "type": "text" }, { "name": "label", "type": "label", "classes": { "0": ["no"], "1": ["yes"] } } ] }
            """;
        var schema = DataSchema.Parse(textSchema, "text schema");
        var spec = new ModelSpec(LearningTask.BinaryClassification, FeatureEncoder.FeatureCount(schema), 1);
        var statistics = FeatureStatistics.Compute(TableReader.Read(new StringReader("note,label\nfine day,yes\n"), "t.csv", schema));
        var model = new TrainedModel(spec, new DenseNetwork(spec).Initialize(1), textSchema, statistics);

        Assert.Equal("column 'note' is text, hashed by Causeway's tokenizer, which has no ONNX operator", OnnxExport.DescribeProblem(model));
        Assert.Throws<NotSupportedException>(() => OnnxExport.Write(model, Stream.Null));
    }

    // A seeded table of every column kind, with missing cells, and a model trained on it.
    private static (TrainedModel Model, DataTable Table, string Csv) Train(string task, int[] hidden, int rows)
    {
        var labels = task switch
        {
            "binary" => """{ "0": ["no"], "1": ["yes"] }""",
            "multiclass" => """{ "0": ["a"], "1": ["b"], "2": ["c"] }""",
            _ => "null",
        };
        var schemaJson = task == "regression"
            ? SchemaJson.Replace("\"type\": \"label\", \"classes\": LABEL", "\"type\": \"label\", \"regression\": true", StringComparison.Ordinal)
            : SchemaJson.Replace("LABEL", labels, StringComparison.Ordinal);
        var schema = DataSchema.Parse(schemaJson, "onnx test schema");
        var random = new Random(17);
        string Maybe(string value) => random.NextDouble() < 0.1 ? "?" : value;
        var csv = new StringBuilder("age,dose,count,weight,score,colour,ignored,label\n");
        for (var r = 0; r < rows; r++)
        {
            var age = 20 + (random.NextDouble() * 60);
            var dose = random.NextDouble() * 60;
            var weight = 35 + (random.NextDouble() * 90);
            var score = random.NextDouble();
            var colour = new[] { "red", "green", "blue", "purple" }[random.Next(4)];
            var signal = ((age - 50) / 20) + (dose / 30) - (score * 2) + (colour == "red" ? 1 : 0);
            var label = task switch
            {
                "binary" => signal > 0 ? "yes" : "no",
                "multiclass" => signal < -0.5 ? "a" : signal < 0.8 ? "b" : "c",
                _ => signal.ToString("R", CultureInfo.InvariantCulture),
            };
            csv.Append(CultureInfo.InvariantCulture, $"{Maybe(age.ToString("F2", CultureInfo.InvariantCulture))},{Maybe(dose.ToString("F1", CultureInfo.InvariantCulture))},{Maybe(random.Next(5).ToString(CultureInfo.InvariantCulture))},")
                .Append(CultureInfo.InvariantCulture, $"{Maybe(weight.ToString("F1", CultureInfo.InvariantCulture))},{Maybe(score.ToString("F3", CultureInfo.InvariantCulture))},{Maybe(colour)},x{r},{label}\n");
        }

        var table = TableReader.Read(new StringReader(csv.ToString()), "onnx.csv", schema);
        var statistics = FeatureStatistics.Compute(table);
        var encoded = FeatureEncoder.Encode(table, schema, statistics);
        var spec = new ModelSpec(FeatureEncoder.TaskOf(schema), encoded.Columns, FeatureEncoder.OutputCount(schema), hidden);
        var parameters = CentralizedTrainer.Train(new DenseNetwork(spec), encoded, new TrainingPlan { Epochs = 20, BatchSize = 16, LearningRate = 0.05f }, seed: 3);
        return (new TrainedModel(spec, parameters, schemaJson, statistics), table, csv.ToString());
    }

    private static float[] Predict(TrainedModel model, DataTable table)
    {
        var encoded = model.Encode(table);
        var outputs = new float[encoded.Rows * model.Spec.Outputs];
        new DenseNetwork(model.Spec).Predict(model.Parameters, encoded.Features, encoded.Rows, outputs);
        return outputs;
    }

    private static float[] Run(TrainedModel model, string csv)
    {
        using var stream = new MemoryStream();
        OnnxExport.Write(model, stream);
        using var session = new InferenceSession(stream.ToArray());
        return Run(session, model.Schema, csv);
    }

    // The raw CSV as ONNX inputs: floats (NaN for "?") for numeric columns, strings for categorical ones.
    private static float[] Run(InferenceSession session, DataSchema schema, string csv)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        using var results = session.Run(OnnxInputs.Of(schema, header, rows));
        return [.. results.Single().AsEnumerable<float>()];
    }
}
