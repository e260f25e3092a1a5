using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Causeway.Core.Data;
using Causeway.Core.Metrics;
using Causeway.Core.Models;
using Causeway.Core.Serialization;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Party;
using Causeway.Protocol;
using V1 = Causeway.Protocol.V1;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// FedPer over HTTP/2: each party keeps its output layer. Only the hidden layer travels; each party's own model is the
/// federation's hidden layer under its own head, and it is what the party was evaluated with.
/// </summary>
public sealed class PersonalLayersNetworkTests
{
    [Fact]
    public async Task Run_PersonalOutputLayer_OnlyTheHiddenLayerTravels_AndEachPartysOwnModelIsWhatItReported()
    {
        var tap = new WireTap();
        await using var server = await CoordinatorServer.StartAsync(tap: tap);
        (string Name, int Seed, double Shift)[] shops = [("shop-a", 1, 0.0), ("shop-b", 2, 1.5)];
        var handlers = shops.Select(s => SeparableTables.Party(s.Name, s.Seed, 160, s.Shift)).ToList();
        await using var hosts = await InProcessParties.StartAsync(server, [.. shops.Select((s, i) => (s.Name, (ITaskHandler)handlers[i]))]);
        var parties = shops.Select((s, i) => (Handler: handlers[i], Host: hosts.Hosts[i], s.Shift, s.Seed)).ToList();

        using var admin = server.CreateAdminClient();
        const string config = """
            { "name": "fedper", "seed": 4, "rounds": 3, "model": { "type": "mlp", "hidden": [4] }, "round": { "deadlineSeconds": 30, "minResults": 2 },
              "training": { "personalLayers": 1, "learningRate": 0.2 } }
            """;
        var started = await admin.PostAsync(new Uri("api/runs", UriKind.Relative), new StringContent(config, Encoding.UTF8, "application/json")).DefaultTimeout();
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>().DefaultTimeout()).GetProperty("id").GetString()!;
        await server.Runs.WaitForActiveRunAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var global = ModelFile.Read(new MemoryStream(await admin.GetByteArrayAsync(new Uri($"api/runs/{id}/model", UriKind.Relative)).DefaultTimeout()), "the global model").Parameters;
        await hosts.StopAsync();

        // Every delta held the hidden layer only.
        var deltas = tap.TrainResults().Select(p => string.Join(",", p.Train.Delta.Tensors.Select(t => t.Name))).ToList();
        Assert.Equal(Enumerable.Repeat("layer0.weight,layer0.bias", 6), deltas);

        var own = parties.Select(p => p.Handler.OwnModel()!.Value.Model).ToList();
        foreach (var model in own)
        {
            // The federation's hidden layer, under a head that trained at the party and never reached the coordinator.
            Assert.Equal(global["layer0.weight"].ToArray(), model.Parameters["layer0.weight"].ToArray());
            Assert.NotEqual(global["layer1.weight"].ToArray(), model.Parameters["layer1.weight"].ToArray());
        }

        Assert.NotEqual(own[0].Parameters["layer1.weight"].ToArray(), own[1].Parameters["layer1.weight"].ToArray());

        // And it is the model each party reported its own figures for: its accuracy on the party's evaluation rows.
        foreach (var ((_, host, shift, seed), model) in parties.Zip(own))
        {
            var rows = FeatureEncoder.Encode(SeparableTables.Table(seed + 1000, 40, shift), SeparableTables.Schema, model.Statistics);
            var accuracy = ModelEvaluator.Evaluate(new DenseNetwork(model.Spec), model.Parameters, rows).Accuracy!.Value;
            Assert.Equal(host.LastEvaluation!.Yours!.Accuracy!.Value, accuracy, 1e-12);
        }
    }
}
