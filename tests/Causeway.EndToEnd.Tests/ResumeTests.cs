using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Causeway.Coordinator.Runs;
using Causeway.Coordinator.Storage;
using Causeway.Core.Metrics;
using Causeway.Core.Models;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Party;
using Causeway.Protocol.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Causeway.EndToEnd.Tests;

public sealed class ResumeTests
{
    private const string Config = """
        { "name": "resumable", "rounds": 3, "model": { "type": "logistic" }, "round": { "deadlineSeconds": 20 }, "evaluation": { "everyRounds": 0 } }
        """;

    // Asynchronous updates, a buffer of one: every round is one update, trained on the version before it.
    private const string AsyncConfig = """
        { "name": "resumable-async", "rounds": 3, "model": { "type": "logistic" }, "round": { "deadlineSeconds": 20 }, "evaluation": { "everyRounds": 0 },
          "updates": { "mode": "async", "bufferSize": 1 } }
        """;

    [Theory]
    [InlineData(Config)]
    [InlineData(AsyncConfig)]
    public async Task Resume_AfterTheCoordinatorStoppedMidRun_ContinuesFromTheLastClosedRound(string config)
    {
        var directory = Path.Combine(Path.GetTempPath(), "causeway-resume-" + Guid.NewGuid().ToString("N"));
        await using var store = await SqliteRunStore.OpenAsync(Path.Combine(directory, "runs.db"), null, CancellationToken.None).DefaultTimeout();
        using var authority = DevCertificates.CreateAuthority("test-federation", TimeSpan.FromDays(1));
        var party = new PartyId("hospital-a");
        void Services(IServiceCollection s)
        {
            
            s.AddSingleton<IRunStore>(store);
        }

        // First coordinator: round 1 closes, then the party hangs in round 2 and the coordinator is stopped.
        string id;
        var gate = new GatedHandler(party, blockFromRound: 2);
        await using (var first = await CoordinatorServer.StartAsync(services: Services, authority: authority))
        {
            using var stop = new CancellationTokenSource();
            using var client = first.CreateClient(party.Value);
            var host = new PartyHost(client, gate, first.PartyOptions(party.Value)).RunAsync(stop.Token);
            await first.WaitUntilPollingAsync(party.Value).DefaultTimeout();
            using var admin = first.CreateAdminClient();
            var started = await admin.PostAsync(new Uri("api/runs", UriKind.Relative), new StringContent(config, Encoding.UTF8, "application/json")).DefaultTimeout();
            id = (await started.Content.ReadFromJsonAsync<JsonElement>().DefaultTimeout()).GetProperty("id").GetString()!;
            await gate.Blocked.DefaultTimeout();
            await stop.CancelAsync();
            await host.DefaultTimeout();
        }

        // A shutdown leaves the run running in the store, as a crash does: it is interrupted, not stopped.
        var stopped = (await store.GetRunAsync(id, CancellationToken.None).DefaultTimeout())!;
        Assert.Equal(
            (RunStatus.Running, "the coordinator stopped after round 1; the run resumes from it when a coordinator starts on this store"),
            (stopped.Status, stopped.StatusMessage));
        var storedSetup = RunSetup.Parse(stopped.SetupJson!, "the stored setup");
        Assert.Equal(ModelSpec.LogisticRegression(3), storedSetup.Model);
        Assert.Equal(gate.Data.Statistics, storedSetup.Statistics);
        Assert.Equal([1], (await store.GetRoundsAsync(id, CancellationToken.None).DefaultTimeout()).Select(r => r.Round));

        // Second coordinator on the same store: it resumes the interrupted run by itself once the party of round 1
        // is back, and runs rounds 2 and 3 only.
        await using var second = await CoordinatorServer.StartAsync(services: Services, authority: authority);
        using var stop2 = new CancellationTokenSource();
        using var client2 = second.CreateClient(party.Value);
        var handler = new GatedHandler(party, blockFromRound: int.MaxValue);
        var host2 = new PartyHost(client2, handler, second.PartyOptions(party.Value)).RunAsync(stop2.Token);
        using var admin2 = second.CreateAdminClient();
        var run = await WaitForStateAsync(admin2, id, "Completed").DefaultTimeout();

        // The control API shows the whole run, the round closed before the restart included.
        Assert.Equal([1, 2, 3], run.GetProperty("rounds").EnumerateArray().Select(r => r.GetProperty("round").GetInt32()));
        Assert.Equal(RunStatus.Completed, (await store.GetRunAsync(id, CancellationToken.None).DefaultTimeout())!.Status);
        Assert.Equal([1, 2, 3], (await store.GetRoundsAsync(id, CancellationToken.None).DefaultTimeout()).Select(r => r.Round));
        Assert.Equal([2, 3], handler.Rounds);
        Assert.All(handler.Setups, s => Assert.Equal(storedSetup, s));

        // Async: the resumed rounds trained on the checkpoint's version and the one after, with nothing stale.
        var versions = (await store.GetRoundsAsync(id, CancellationToken.None).DefaultTimeout())
            .Select(r => r.Parties.Single(p => p.Outcome == PartyOutcome.Accepted))
            .Select(p => (p.TrainedOnVersion, p.AppliedToVersion, p.StalenessWeight));
        (int?, int?, double?)[] expected = config == AsyncConfig ? [(0, 0, 1.0), (1, 1, 1.0), (2, 2, 1.0)] : [(null, null, null), (null, null, null), (null, null, null)];
        Assert.Equal(expected, versions);
        var again = await admin2.PostAsync(new Uri($"api/runs/{id}/resume", UriKind.Relative), null).DefaultTimeout();
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        await stop2.CancelAsync();
        await host2.DefaultTimeout();
    }

    [Fact]
    public async Task RunsOfAnEarlierProcess_AreListedFromTheStore_WithTheirRoundsAndModel()
    {
        var directory = Path.Combine(Path.GetTempPath(), "causeway-history-" + Guid.NewGuid().ToString("N"));
        await using var store = await SqliteRunStore.OpenAsync(Path.Combine(directory, "runs.db"), null, CancellationToken.None).DefaultTimeout();
        void Services(IServiceCollection s)
        {
            
            s.AddSingleton<IRunStore>(store);
        }

        string id;
        await using (var first = await CoordinatorServer.StartAsync(services: Services))
        {
            using var stop = new CancellationTokenSource();
            using var client = first.CreateClient("hospital-a");
            var host = new PartyHost(client, SeparableTables.Party("hospital-a", seed: 3), first.PartyOptions("hospital-a")).RunAsync(stop.Token);
            await first.WaitUntilPollingAsync("hospital-a").DefaultTimeout();
            using var admin = first.CreateAdminClient();
            var started = await admin.PostAsync(new Uri("api/runs", UriKind.Relative), new StringContent(Config, Encoding.UTF8, "application/json")).DefaultTimeout();
            id = (await started.Content.ReadFromJsonAsync<JsonElement>().DefaultTimeout()).GetProperty("id").GetString()!;
            await first.Runs.WaitForActiveRunAsync().DefaultTimeout();
            await stop.CancelAsync();
            await host.DefaultTimeout();
        }

        await using var second = await CoordinatorServer.StartAsync(services: Services);
        using var admin2 = second.CreateAdminClient();
        var list = await admin2.GetFromJsonAsync<JsonElement>(new Uri("api/runs", UriKind.Relative)).DefaultTimeout();
        Assert.Equal(id, list[0].GetProperty("id").GetString());
        Assert.Equal("Completed", list[0].GetProperty("state").GetString());
        Assert.Equal(3, list[0].GetProperty("completedRounds").GetInt32());
        var run = await admin2.GetFromJsonAsync<JsonElement>(new Uri($"api/runs/{id}", UriKind.Relative)).DefaultTimeout();
        Assert.Equal([1, 2, 3], run.GetProperty("rounds").EnumerateArray().Select(r => r.GetProperty("round").GetInt32()));
        Assert.Equal(3, run.GetProperty("run").GetProperty("totalRounds").GetInt32());

        // The model comes from the last stored checkpoint and the stored setup.
        var bytes = await admin2.GetByteArrayAsync(new Uri($"api/runs/{id}/model", UriKind.Relative)).DefaultTimeout();
        var modelFile = Path.Combine(directory, "model.cw");
        await File.WriteAllBytesAsync(modelFile, bytes);
        var checkpoint = (await store.LoadLatestCheckpointAsync(id, CancellationToken.None).DefaultTimeout())!;
        Assert.Equal(checkpoint.Global.Values.ToArray(), Core.Serialization.TrainedModel.Load(modelFile).Parameters.Values.ToArray());
    }

    private static async Task<JsonElement> WaitForStateAsync(HttpClient admin, string id, string state)
    {
        while (true)
        {
            var response = await admin.GetAsync(new Uri($"api/runs/{id}", UriKind.Relative));
            if (response.IsSuccessStatusCode)
            {
                var run = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (run.GetProperty("run").GetProperty("state").GetString() == state)
                {
                    return run;
                }
            }

            await Task.Delay(50);
        }
    }
}
