using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Causeway.Coordinator.Runs;
using Causeway.Coordinator.Storage;
using Causeway.Core.Data;
using Causeway.Core.Metrics;
using Causeway.Core.Models;
using Causeway.Core.Serialization;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Party;
using Microsoft.Extensions.DependencyInjection;

namespace Causeway.EndToEnd.Tests;

public sealed class ControlApiTests
{
    private const string RunConfigJson = """
        {
          "name": "e2e",
          "seed": 7,
          "rounds": 3,
          "model": { "type": "logistic" },
          "training": { "epochs": 2, "batchSize": 16, "learningRate": 0.5 },
          "round": { "deadlineSeconds": 20, "minResults": 2 }
        }
        """;

    [Fact]
    public async Task Api_WithoutAdminToken_Is401()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var anonymous = server.CreateAdminClient(token: null);
        using var wrong = server.CreateAdminClient(token: "guess");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("api/status", UriKind.Relative)).DefaultTimeout()).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync(new Uri("api/runs", UriKind.Relative)).DefaultTimeout()).StatusCode);
    }

    [Fact]
    public async Task PostRun_InvalidConfig_Is400WithTheReason()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var admin = server.CreateAdminClient();

        var response = await admin.PostAsync(new Uri("api/runs", UriKind.Relative), Json("""{ "rounds": 3, "colour": "blue" }""")).DefaultTimeout();
        var body = await response.Content.ReadAsStringAsync().DefaultTimeout();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("colour", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostRun_RoundEngineOverTheNetwork_RunsEveryRound_ReportsMetrics_PersistsCheckpoints_AndPredicts()
    {
        var directory = Path.Combine(Path.GetTempPath(), "causeway-e2e-" + Guid.NewGuid().ToString("N"));
        await using var store = await SqliteRunStore.OpenAsync(Path.Combine(directory, "runs.db"), null, CancellationToken.None).DefaultTimeout();
        await using var server = await CoordinatorServer.StartAsync(services: s => s.AddSingleton<IRunStore>(store));
        using var stop = new CancellationTokenSource();
        var hosts = new List<Task>();
        var clients = new List<PartyClient>();
        var parties = new List<LocalDataHandler>();
        foreach (var (name, seed, shift) in new[] { ("hospital-a", 1, 0.0), ("hospital-b", 2, 0.5) })
        {
            var party = SeparableTables.Party(name, seed, shift: shift);
            parties.Add(party);
            var client = server.CreateClient(name);
            clients.Add(client);
            hosts.Add(new PartyHost(client, party, server.PartyOptions(name)).RunAsync(stop.Token));
            await server.WaitUntilPollingAsync(name).DefaultTimeout();
        }

        using var admin = server.CreateAdminClient();
        var status = await admin.GetFromJsonAsync<JsonElement>(new Uri("api/status", UriKind.Relative)).DefaultTimeout();
        Assert.Equal(2, status.GetProperty("parties").GetArrayLength());

        var started = await admin.PostAsync(new Uri("api/runs", UriKind.Relative), Json(RunConfigJson)).DefaultTimeout();
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>().DefaultTimeout()).GetProperty("id").GetString()!;
        await server.Runs.WaitForActiveRunAsync().DefaultTimeout();

        var run = await admin.GetFromJsonAsync<JsonElement>(new Uri($"api/runs/{id}", UriKind.Relative)).DefaultTimeout();
        Assert.Equal("Completed", run.GetProperty("run").GetProperty("state").ToString());
        var rounds = run.GetProperty("rounds");
        Assert.Equal(3, rounds.GetArrayLength());
        foreach (var round in rounds.EnumerateArray())
        {
            Assert.Equal(2, round.GetProperty("updates").GetInt32());
            Assert.Equal(0, round.GetProperty("failures").GetArrayLength());

            // The parties' real local training time travels with their updates; the round took at least that long.
            var metrics = round.GetProperty("metrics");
            Assert.InRange(metrics.GetProperty("slowest_party_seconds").GetDouble(), double.Epsilon, metrics.GetProperty("seconds").GetDouble());
        }

        var accuracy = rounds[2].GetProperty("metrics").GetProperty("eval_accuracy").GetDouble();
        Assert.True(accuracy > 0.9, $"accuracy after 3 rounds on separable data: {accuracy}");

        // Predict takes raw rows (column name to value, no label) and encodes them with the run's merged statistics.
        var predicted = await admin.PostAsync(
            new Uri($"api/runs/{id}/predict", UriKind.Relative),
            Json("""{ "rows": [{ "x1": 1.5, "x2": "1", "x3": 0.5 }, { "x1": -1.5, "x2": -1, "x3": -0.5 }] }""")).DefaultTimeout();
        Assert.Equal(HttpStatusCode.OK, predicted.StatusCode);
        var answer = await predicted.Content.ReadFromJsonAsync<JsonElement>().DefaultTimeout();
        Assert.Equal([1.0, 0.0], answer.GetProperty("predictions").EnumerateArray().Select(p => p.GetDouble()));
        Assert.True(answer.GetProperty("outputs")[0][0].GetSingle() > 0.5f);
        Assert.True(answer.GetProperty("outputs")[1][0].GetSingle() < 0.5f);

        var badRow = await admin.PostAsync(
            new Uri($"api/runs/{id}/predict", UriKind.Relative), Json("""{ "rows": [{ "x1": 1, "x2": 1, "x3": 1 }, { "x1": 1, "x2": "high", "x3": 1 }] }""")).DefaultTimeout();
        Assert.Equal(HttpStatusCode.BadRequest, badRow.StatusCode);
        var reason = await badRow.Content.ReadAsStringAsync().DefaultTimeout();
        Assert.Contains("row 2", reason, StringComparison.Ordinal);
        Assert.Contains("x2", reason, StringComparison.Ordinal);

        var list = await admin.GetFromJsonAsync<JsonElement>(new Uri("api/runs", UriKind.Relative)).DefaultTimeout();
        Assert.Equal(id, list[0].GetProperty("id").GetString());

        // The store holds the same rounds and the final model as the latest checkpoint.
        Assert.Equal(RunStatus.Completed, (await store.GetRunAsync(id, CancellationToken.None).DefaultTimeout())!.Status);
        var stored = await store.GetRoundsAsync(id, CancellationToken.None).DefaultTimeout();
        Assert.Equal([1, 2, 3], stored.Select(r => r.Round));
        Assert.All(stored, r => Assert.Equal(2, r.Participants));
        Assert.All(stored, r => Assert.Equal(
            [("hospital-a", PartyOutcome.Accepted, 200), ("hospital-b", PartyOutcome.Accepted, 200)],
            r.Parties.Select(p => (p.Party.Value, p.Outcome, p.Examples)).OrderBy(p => p.Value, StringComparer.Ordinal)));
        var checkpoint = (await store.LoadLatestCheckpointAsync(id, CancellationToken.None).DefaultTimeout())!;
        Assert.Equal(3, checkpoint.LastClosedRound);

        // The exported model is the last checkpoint plus the run's feature pipeline: the schema and the merge of the
        // statistics the parties sent (the coordinator never saw a row).
        var modelFile = Path.Combine(directory, "global.cw");
        await File.WriteAllBytesAsync(modelFile, await admin.GetByteArrayAsync(new Uri($"api/runs/{id}/model", UriKind.Relative)).DefaultTimeout());
        var model = TrainedModel.Load(modelFile);
        Assert.Equal(checkpoint.Global.Values.ToArray(), model.Parameters.Values.ToArray());
        Assert.Equal(ModelSpec.LogisticRegression(3), model.Spec);
        Assert.Equal(FeatureStatistics.Merge(parties.Select(p => p.Data.Statistics)), model.Statistics);
        Assert.Equal(400, model.Statistics.Rows);
        Assert.True(RunSetup.SameSchema(SeparableTables.SchemaJson, model.SchemaJson));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(new Uri("api/runs/no-such-run/model", UriKind.Relative)).DefaultTimeout()).StatusCode);

        await stop.CancelAsync();
        await Task.WhenAll(hosts).DefaultTimeout();
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task PostRun_MinResultsAboveTheConnectedParties_Is409AndNoRunIsStored()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var stop = new CancellationTokenSource();
        using var client = server.CreateClient("hospital-a");
        var host = new PartyHost(client, SeparableTables.Party("hospital-a", seed: 4), server.PartyOptions("hospital-a")).RunAsync(stop.Token);
        await server.WaitUntilPollingAsync("hospital-a").DefaultTimeout();
        using var admin = server.CreateAdminClient();

        var started = await admin.PostAsync(
            new Uri("api/runs", UriKind.Relative),
            Json("""{ "name": "too-few", "rounds": 2, "model": { "type": "logistic" }, "round": { "deadlineSeconds": 20, "minResults": 2 } }""")).DefaultTimeout();
        var body = await started.Content.ReadAsStringAsync().DefaultTimeout();
        var runs = await admin.GetFromJsonAsync<JsonElement>(new Uri("api/runs", UriKind.Relative)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Conflict, started.StatusCode);
        Assert.Contains("round.minResults (2) exceeds the 1 parties", body, StringComparison.Ordinal);
        Assert.Equal(0, runs.GetArrayLength());
        await stop.CancelAsync();
        await host.DefaultTimeout();
    }

    [Fact]
    public async Task PostRun_NoPartyConnected_Is409SayingSo()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var admin = server.CreateAdminClient();

        var started = await admin.PostAsync(new Uri("api/runs", UriKind.Relative), Json("""{ "name": "alone", "rounds": 2, "model": { "type": "logistic" } }""")).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Conflict, started.StatusCode);
        Assert.Contains("no party with training data is connected", await started.Content.ReadAsStringAsync().DefaultTimeout(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostRun_CommentedConfig_IsAcceptedAndRuns()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var stop = new CancellationTokenSource();
        using var client = server.CreateClient("hospital-a");
        var host = new PartyHost(client, SeparableTables.Party("hospital-a", seed: 4), server.PartyOptions("hospital-a")).RunAsync(stop.Token);
        await server.WaitUntilPollingAsync("hospital-a").DefaultTimeout();
        using var admin = server.CreateAdminClient();

        var started = await admin.PostAsync(
            new Uri("api/runs", UriKind.Relative),
            Json("""
                {
                  // as samples/configs/*.json are written: comments and a trailing comma
                  "name": "commented", "rounds": 2, "model": { "type": "logistic" },
                }
                """)).DefaultTimeout();
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>().DefaultTimeout()).GetProperty("id").GetString()!;
        await server.Runs.WaitForActiveRunAsync().DefaultTimeout();
        var run = (await admin.GetFromJsonAsync<JsonElement>(new Uri($"api/runs/{id}", UriKind.Relative)).DefaultTimeout()).GetProperty("run");

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal(("Completed", 2, 2), (run.GetProperty("state").GetString(), run.GetProperty("totalRounds").GetInt32(), run.GetProperty("completedRounds").GetInt32()));
        await stop.CancelAsync();
        await host.DefaultTimeout();
    }

    [Fact]
    public async Task PostRun_NoRoundReachesMinResults_RunFailsSayingWhy()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var stop = new CancellationTokenSource();
        var hosts = new List<Task>();
        var clients = new List<PartyClient>();
        foreach (var (name, fails) in new[] { ("hospital-a", false), ("hospital-b", true) })
        {
            var client = server.CreateClient(name);
            clients.Add(client);
            ITaskHandler handler = SeparableTables.Party(name, seed: 4);
            hosts.Add(new PartyHost(client, fails ? new FailingTrainer(handler) : handler, server.PartyOptions(name)).RunAsync(stop.Token));
            await server.WaitUntilPollingAsync(name).DefaultTimeout();
        }

        using var admin = server.CreateAdminClient();
        var started = await admin.PostAsync(
            new Uri("api/runs", UriKind.Relative),
            Json("""{ "name": "too-few", "rounds": 2, "model": { "type": "logistic" }, "round": { "deadlineSeconds": 20, "minResults": 2 } }""")).DefaultTimeout();
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>().DefaultTimeout()).GetProperty("id").GetString()!;
        await server.Runs.WaitForActiveRunAsync().DefaultTimeout();

        var run = (await admin.GetFromJsonAsync<JsonElement>(new Uri($"api/runs/{id}", UriKind.Relative)).DefaultTimeout()).GetProperty("run");
        Assert.Equal(("Failed", 2, 2), (run.GetProperty("state").GetString(), run.GetProperty("completedRounds").GetInt32(), run.GetProperty("degradedRounds").GetInt32()));
        Assert.Equal(
            "2 of the run's 2 rounds failed, more than round.maxDegradedFraction (0.5) allows (1); round 2: 1 updates accepted; the round needs at least 2",
            run.GetProperty("error").GetString());
        await stop.CancelAsync();
        await Task.WhenAll(hosts).DefaultTimeout();
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task PostRun_LearningRate1e30_RunFailsAsDivergedNamingTheRoundAndTheLoss()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var stop = new CancellationTokenSource();
        var hosts = new List<Task>();
        var clients = new List<PartyClient>();
        foreach (var (name, seed) in new[] { ("hospital-a", 1), ("hospital-b", 2) })
        {
            var client = server.CreateClient(name);
            clients.Add(client);
            hosts.Add(new PartyHost(client, SeparableTables.Party(name, seed), server.PartyOptions(name)).RunAsync(stop.Token));
            await server.WaitUntilPollingAsync(name).DefaultTimeout();
        }

        using var admin = server.CreateAdminClient();
        var started = await admin.PostAsync(
            new Uri("api/runs", UriKind.Relative),
            Json("""{ "name": "lr", "rounds": 5, "model": { "type": "logistic" }, "training": { "learningRate": 1e30 }, "round": { "deadlineSeconds": 20 } }""")).DefaultTimeout();
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>().DefaultTimeout()).GetProperty("id").GetString()!;
        await server.Runs.WaitForActiveRunAsync().DefaultTimeout();

        // The same round-engine rule as a simulation (SimulatorTests): the diverged round is not closed.
        var details = await admin.GetFromJsonAsync<JsonElement>(new Uri($"api/runs/{id}", UriKind.Relative)).DefaultTimeout();
        var run = details.GetProperty("run");
        Assert.Equal(("Failed", 0), (run.GetProperty("state").GetString(), details.GetProperty("rounds").GetArrayLength()));
        Assert.Matches(
            @"^round 1 diverged: the mean training loss \d(\.\d+)?E\+(2\d|3\d) exceeds 1E\+06 \(round\.divergenceLossFactor\) × the reference loss 0\.6931;",
            run.GetProperty("error").GetString());
        await stop.CancelAsync();
        await Task.WhenAll(hosts).DefaultTimeout();
        clients.ForEach(c => c.Dispose());
    }

    /// <summary>Describes the data of the party it wraps and evaluates on it, but every training fails.</summary>
    private sealed class FailingTrainer(ITaskHandler inner) : ITaskHandler
    {
        public DataDescription? Data => inner.Data;

        public Task<PartyReply> TrainAsync(TrainTask task, RunSetup? setup, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the local training set is locked");

        public Task<Evaluation?> EvaluateAsync(EvaluateTask task, RunSetup? setup, CancellationToken cancellationToken) =>
            inner.EvaluateAsync(task, setup, cancellationToken);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
