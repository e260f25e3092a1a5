using Causeway.Core.Data;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation.Vertical.Training;
using Causeway.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// A vertical split network leaves Causeway as ONNX parts: each party's bottom model takes its own raw columns, the
/// guest's top model takes every party's embedding. Chained in ONNX Runtime they give what the trained model gives.
/// </summary>
public sealed class SplitNetworkOnnxTests
{
    [Fact]
    public void Export_SplitNetworkParts_ChainedInOnnxRuntime_MatchThePrediction()
    {
        var samples = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "samples"));
        var csv = Path.Combine(samples, "data", "telco-customer-churn", "Telco-Customer-Churn.csv");
        var folder = Path.Combine(Path.GetTempPath(), "causeway-split-onnx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var configPath = Path.Combine(folder, "split.json");
            File.WriteAllText(configPath, $$"""
                {
                  "name": "split-onnx", "seed": 3,
                  "data": { "schema": {{System.Text.Json.JsonSerializer.Serialize(Path.Combine(samples, "churn", "schema.json"))}}, "train": {{System.Text.Json.JsonSerializer.Serialize(csv)}}, "testFraction": 0.3 },
                  "parties": ["telecom", "payments"],
                  "columns": {
                    "gender": "telecom", "SeniorCitizen": "telecom", "Partner": "telecom", "Dependents": "telecom", "tenure": "telecom", "Contract": "telecom",
                    "PhoneService": "telecom", "MultipleLines": "telecom", "InternetService": "telecom", "OnlineSecurity": "telecom", "OnlineBackup": "telecom",
                    "DeviceProtection": "telecom", "TechSupport": "telecom", "StreamingTV": "telecom", "StreamingMovies": "telecom",
                    "PaperlessBilling": "payments", "PaymentMethod": "payments", "MonthlyCharges": "payments", "TotalCharges": "payments"
                  },
                  "model": { "type": "split-nn", "hidden": [6], "embedding": 4 },
                  "training": { "epochs": 2, "batchSize": 128, "learningRate": 0.1 },
                  "encryption": { "mode": "none" }
                }
                """);
            var trained = VerticalSimulation.Run(VerticalSimulationConfig.Load(configPath)).SplitNetwork!;

            // 40 rows with every value present, raw for ONNX and encoded for the trained model.
            var lines = File.ReadLines(csv).Take(200).ToList();
            var header = lines[0].Split(',');
            var rows = lines.Skip(1).Select(l => l.Split(',')).Where(r => r.All(v => v.Trim().Length > 0)).Take(40).ToList();
            var table = TableReader.Read(new StringReader(string.Join('\n', [lines[0], .. rows.Select(r => string.Join(',', r))])), "rows", trained.Schema);
            var parts = VerticalSplit.Create(trained.Schema, trained.Parties, trained.Columns).Split(FeatureEncoder.Encode(table, trained.Schema, trained.Statistics));
            var expected = trained.Model.Predict(parts);

            var embeddings = new List<NamedOnnxValue>();
            for (var p = 0; p < trained.Parties.Count; p++)
            {
                var party = trained.Parties[p];
                var columns = trained.Columns.Where(c => c.Value == party).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
                using var bottom = new MemoryStream();
                OnnxExport.WriteSplitBottom(trained.Schema, trained.Statistics, columns, trained.Model.Bottoms[p], bottom);
                using var session = new InferenceSession(bottom.ToArray());
                using var output = session.Run(OnnxInputs.Of(trained.Schema, header, rows, c => columns.Contains(c.Name)));
                var embedding = output.Single(o => o.Name == "embedding").AsTensor<float>();
                embeddings.Add(NamedOnnxValue.CreateFromTensor($"embedding_{party}", new DenseTensor<float>(embedding.ToArray(), [rows.Count, embedding.Dimensions[1]])));
            }

            using var top = new MemoryStream();
            OnnxExport.WriteSplitTop(trained.Parties, trained.Model.Bottoms[0][^1].Outputs, trained.Model.Top, top);
            using var topSession = new InferenceSession(top.ToArray());
            using var probabilities = topSession.Run(embeddings);
            var actual = probabilities.Single().AsEnumerable<float>().ToArray();

            Assert.Equal(rows.Count, actual.Length);
            Assert.All(expected.Zip(actual), pair => Assert.Equal(pair.First, pair.Second, 1e-5));
            Assert.True(expected.Max() - expected.Min() > 1e-3, "the rows should score differently");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
