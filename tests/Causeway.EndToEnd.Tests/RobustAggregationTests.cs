using System.Net.Http.Json;
using System.Numerics.Tensors;
using System.Text;
using System.Text.Json;
using Causeway.Coordinator.Runs;
using Causeway.Core.Metrics;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation.Horizontal;
using Causeway.Party;
using Microsoft.Extensions.DependencyInjection;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// Robust aggregation over the network: one of five parties boosts and flips its update (a model-replacement attack);
/// the plain mean is wrecked by it, the coordinate-wise median is not.
/// </summary>
public sealed class RobustAggregationTests
{
    [Fact]
    public async Task Median_WithstandsABoostedUpdate_ThatWrecksTheMean()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var stop = new CancellationTokenSource();
        var hosts = new List<Task>();
        var clients = new List<PartyClient>();
        for (var i = 0; i < 5; i++)
        {
            var name = i == 4 ? "mallory" : $"branch-{i}";
            var honest = SeparableTables.Party(name, seed: 60 + i);
            ITaskHandler handler = i == 4 ? new BoostingHandler(honest, factor: -50f) : honest;
            var client = server.CreateClient(name);
            clients.Add(client);
            hosts.Add(new PartyHost(client, handler, server.PartyOptions(name)).RunAsync(stop.Token));
            await server.WaitUntilPollingAsync(name).DefaultTimeout();
        }

        using var admin = server.CreateAdminClient();
        var mean = await RunAsync(admin, server, """{ "rule": "mean" }""");
        var median = await RunAsync(admin, server, """{ "rule": "median" }""");
        await stop.CancelAsync();
        await Task.WhenAll(hosts).DefaultTimeout();
        clients.ForEach(c => c.Dispose());

        Assert.True(median > 0.9, $"median: accuracy {median}");
        Assert.True(mean < median - 0.2, $"mean {mean} vs median {median}: the attack did not hurt the mean");
    }

    private static async Task<double> RunAsync(HttpClient admin, CoordinatorServer server, string aggregation)
    {
        var config = $$"""
            { "name": "robust", "rounds": 5, "model": { "type": "logistic" }, "training": { "epochs": 2, "learningRate": 0.5 },
              "round": { "deadlineSeconds": 20, "minResults": 5 }, "aggregation": {{aggregation}}, "evaluation": { "everyRounds": 5 } }
            """;
        var started = await admin.PostAsync(new Uri("api/runs", UriKind.Relative), new StringContent(config, Encoding.UTF8, "application/json")).DefaultTimeout();
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>().DefaultTimeout()).GetProperty("id").GetString()!;
        await server.Runs.WaitForActiveRunAsync().DefaultTimeout();
        var run = await admin.GetFromJsonAsync<JsonElement>(new Uri($"api/runs/{id}", UriKind.Relative)).DefaultTimeout();
        Assert.Equal("Completed", run.GetProperty("run").GetProperty("state").GetString());
        return run.GetProperty("rounds").EnumerateArray().Last().GetProperty("metrics").GetProperty("eval_accuracy").GetDouble();
    }

    /// <summary>Trains honestly, then scales its delta by <c>factor</c> before sending it.</summary>
    private sealed class BoostingHandler(LocalDataHandler honest, float factor) : ITaskHandler
    {
        public DataDescription? Data => honest.Data;

        public async Task<PartyReply> TrainAsync(TrainTask task, RunSetup? setup, CancellationToken cancellationToken)
        {
            var reply = await honest.TrainAsync(task, setup, cancellationToken);
            if (reply.Update is { } update)
            {
                TensorPrimitives.Multiply(update.Delta.Values, factor, update.Delta.Values);
            }

            return reply;
        }

        public Task<Evaluation?> EvaluateAsync(EvaluateTask task, RunSetup? setup, CancellationToken cancellationToken) =>
            honest.EvaluateAsync(task, setup, cancellationToken);
    }
}
