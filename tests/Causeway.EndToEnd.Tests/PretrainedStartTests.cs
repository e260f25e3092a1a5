using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Causeway.Core.Serialization;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Party;
using Causeway.Protocol;
using V1 = Causeway.Protocol.V1;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// A run that starts from an earlier run's model (<c>model.init</c>, what <c>causeway run start --init</c> sends) with its
/// first layer frozen: over HTTP/2 the parties send only the layer they train, and the frozen layer ends as it began.
/// </summary>
public sealed class PretrainedStartTests
{
    [Fact]
    public async Task Run_InitFromAnEarlierModel_FirstLayerFrozen_DeltasHoldOnlyTheTrainedLayer_AndTheFrozenOneIsUnchanged()
    {
        var tap = new WireTap();
        await using var server = await CoordinatorServer.StartAsync(tap: tap);
        await using var parties = await InProcessParties.StartAsync(
            server, [("clinic-a", SeparableTables.Party("clinic-a", 1, 160)), ("clinic-b", SeparableTables.Party("clinic-b", 2, 160))]);

        using var admin = server.CreateAdminClient();
        const string model = """{ "type": "mlp", "hidden": [6] }""";
        var pretrained = await RunAsync(admin, server, JsonNode.Parse($$"""{ "name": "pretrain", "seed": 1, "rounds": 3, "model": {{model}}, "round": { "deadlineSeconds": 30, "minResults": 2 } }""")!);
        var pretrainedBytes = await admin.GetByteArrayAsync(new Uri($"api/runs/{pretrained}/model", UriKind.Relative)).DefaultTimeout();
        var before = tap.Count;

        var config = JsonNode.Parse($$"""
            { "name": "transfer", "seed": 2, "rounds": 3, "model": {{model}}, "round": { "deadlineSeconds": 30, "minResults": 2 },
              "training": { "frozenLayers": 1, "learningRate": 0.2 } }
            """)!;
        config["model"]!["init"] = Convert.ToBase64String(pretrainedBytes);
        var transferred = await RunAsync(admin, server, config);
        var after = ModelFile.Read(new MemoryStream(await admin.GetByteArrayAsync(new Uri($"api/runs/{transferred}/model", UriKind.Relative)).DefaultTimeout()), "the run's model");
        var start = ModelFile.Read(new MemoryStream(pretrainedBytes), "the pretrained model");
        await parties.StopAsync();

        // Every delta of the second run held layer 1's tensors only: layer 0 never left the parties.
        var deltas = tap.TrainResults(before).Select(p => string.Join(",", p.Train.Delta.Tensors.Select(t => t.Name))).ToList();
        Assert.Equal(Enumerable.Repeat("layer1.weight,layer1.bias", 6), deltas);

        // The frozen layer is the pretrained one, bit for bit; the trained layer moved.
        var layout = start.Parameters.Layout;
        Assert.Equal(start.Parameters["layer0.weight"].ToArray(), after.Parameters["layer0.weight"].ToArray());
        Assert.Equal(start.Parameters["layer0.bias"].ToArray(), after.Parameters["layer0.bias"].ToArray());
        Assert.NotEqual(start.Parameters["layer1.weight"].ToArray(), after.Parameters["layer1.weight"].ToArray());
        Assert.Equal(layout, after.Parameters.Layout);
    }

    [Fact]
    public async Task Start_InitOfAnotherShape_IsRefusedWith400NamingBothShapes_AndNoRunStarts()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var stop = new CancellationTokenSource();
        using var client = server.CreateClient("clinic-a");
        using var host = new PartyHost(client, SeparableTables.Party("clinic-a", 1, 80), server.PartyOptions("clinic-a"));
        var running = host.RunAsync(stop.Token);
        await server.WaitUntilPollingAsync("clinic-a").DefaultTimeout();

        // A logistic model of 17 inputs, more than the test schema encodes into.
        var spec = Causeway.Core.Models.ModelSpec.LogisticRegression(17);
        using var file = new MemoryStream();
        ModelFile.Write(file, spec, new Causeway.Core.Models.DenseNetwork(spec).Initialize(1));
        var config = JsonNode.Parse("""{ "name": "wrong-init", "rounds": 2, "model": { "type": "logistic" }, "round": { "deadlineSeconds": 30 } }""")!;
        config["model"]!["init"] = Convert.ToBase64String(file.ToArray());
        using var admin = server.CreateAdminClient();

        var response = await admin.PostAsync(new Uri("api/runs", UriKind.Relative), new StringContent(config.ToJsonString(), Encoding.UTF8, "application/json")).DefaultTimeout();
        var body = await response.Content.ReadAsStringAsync().DefaultTimeout();

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("model.init does not fit the run", body, StringComparison.Ordinal);
        Assert.Null(server.Runs.ActiveRunId);
        await stop.CancelAsync();
        await running.DefaultTimeout();
    }

    private static async Task<string> RunAsync(HttpClient admin, CoordinatorServer server, JsonNode config)
    {
        var started = await admin.PostAsync(new Uri("api/runs", UriKind.Relative), new StringContent(config.ToJsonString(), Encoding.UTF8, "application/json")).DefaultTimeout();
        var body = await started.Content.ReadFromJsonAsync<JsonElement>().DefaultTimeout();
        Assert.True(started.IsSuccessStatusCode, body.ToString());
        var id = body.GetProperty("id").GetString()!;
        await server.Runs.WaitForActiveRunAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var run = await admin.GetFromJsonAsync<JsonElement>(new Uri($"api/runs/{id}", UriKind.Relative)).DefaultTimeout();
        Assert.Equal("Completed", run.GetProperty("run").GetProperty("state").GetString());
        return id;
    }
}
