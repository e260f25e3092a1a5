using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Causeway.Coordinator.Hosting;
using Causeway.Coordinator.Storage;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation;
using Causeway.Party;
using Causeway.Protocol.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// <c>POST /api/runs/{id}/stop</c> and <c>causeway run stop</c>: a stopped run keeps its closed rounds, frees the
/// coordinator for new runs, is not resumed at start-up, and resumes on request.
/// </summary>
public sealed class StopRunTests
{
    private const string Config = """
        { "name": "stoppable", "rounds": 3, "model": { "type": "logistic" }, "round": { "deadlineSeconds": 20 }, "evaluation": { "everyRounds": 0 } }
        """;

    [Fact]
    public async Task Stop_RunInProgress_WithdrawsTheRound_IsNotResumedAtStartUp_ButOnRequest()
    {
        var directory = Path.Combine(Path.GetTempPath(), "causeway-stop-" + Guid.NewGuid().ToString("N"));
        await using var store = await SqliteRunStore.OpenAsync(Path.Combine(directory, "runs.db"), null, CancellationToken.None).DefaultTimeout();
        using var authority = DevCertificates.CreateAuthority("test-federation", TimeSpan.FromDays(1));
        var party = new PartyId("hospital-a");
        void Services(IServiceCollection s) => s.AddSingleton<IRunStore>(store);

        // First coordinator: round 1 closes, the party hangs in round 2, and an operator stops the run.
        string id;
        await using (var first = await CoordinatorServer.StartAsync(services: Services, authority: authority))
        {
            using var stop = new CancellationTokenSource();
            using var client = first.CreateClient(party.Value);
            var gate = new GatedHandler(party, blockFromRound: 2);
            var host = new PartyHost(client, gate, first.PartyOptions(party.Value)).RunAsync(stop.Token);
            await first.WaitUntilPollingAsync(party.Value).DefaultTimeout();
            using var admin = first.CreateAdminClient();
            id = await StartAsync(admin, Config);
            await gate.Blocked.DefaultTimeout();
            var round2 = first.Mailbox.OpenTasks(party).Single();

            var stopped = await admin.PostAsync(new Uri($"api/runs/{id}/stop", UriKind.Relative), null).DefaultTimeout();
            var summary = await stopped.Content.ReadFromJsonAsync<JsonElement>().DefaultTimeout();

            Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
            Assert.Equal(
                ("Stopped", 1, 3, "stopped by an operator after round 1; `causeway run resume` continues it from there"),
                (summary.GetProperty("state").GetString(), summary.GetProperty("completedRounds").GetInt32(), summary.GetProperty("totalRounds").GetInt32(),
                    summary.GetProperty("error").GetString()));
            Assert.Equal((2, Coordinator.Mailbox.PendingTaskState.Withdrawn), (round2.Round.Round, round2.State));
            Assert.Null(first.Runs.ActiveRunId);

            // Stopping it again changes nothing; a new run is no longer blocked (409 before stop existed).
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync(new Uri($"api/runs/{id}/stop", UriKind.Relative), null).DefaultTimeout()).StatusCode);
            await stop.CancelAsync();
            await host.DefaultTimeout();
        }

        Assert.Equal(RunStatus.Stopped, (await store.GetRunAsync(id, CancellationToken.None).DefaultTimeout())!.Status);
        Assert.Equal([1], (await store.GetRoundsAsync(id, CancellationToken.None).DefaultTimeout()).Select(r => r.Round));

        // Second coordinator on the same store: once its party is back, start-up recovery has nothing to resume.
        await using var second = await CoordinatorServer.StartAsync(services: Services, authority: authority);
        using var stop2 = new CancellationTokenSource();
        using var client2 = second.CreateClient(party.Value);
        var handler = new GatedHandler(party, blockFromRound: int.MaxValue);
        var host2 = new PartyHost(client2, handler, second.PartyOptions(party.Value)).RunAsync(stop2.Token);
        await second.WaitUntilPollingAsync(party.Value).DefaultTimeout();
        await Recovery(second).ExecuteTask!.DefaultTimeout();
        Assert.Null(second.Runs.ActiveRunId);
        Assert.Equal(RunStatus.Stopped, (await store.GetRunAsync(id, CancellationToken.None).DefaultTimeout())!.Status);

        // A new run starts and completes; then the stopped run resumes on request, with the rounds it had left.
        using var admin2 = second.CreateAdminClient();
        var other = await StartAsync(admin2, Config);
        await second.Runs.WaitForActiveRunAsync().DefaultTimeout();
        var resumed = await admin2.PostAsync(new Uri($"api/runs/{id}/resume", UriKind.Relative), null).DefaultTimeout();
        Assert.Equal(HttpStatusCode.Accepted, resumed.StatusCode);
        await second.Runs.WaitForActiveRunAsync().DefaultTimeout();

        var run = await admin2.GetFromJsonAsync<JsonElement>(new Uri($"api/runs/{id}", UriKind.Relative)).DefaultTimeout();
        Assert.Equal("Completed", (await admin2.GetFromJsonAsync<JsonElement>(new Uri($"api/runs/{other}", UriKind.Relative)).DefaultTimeout()).GetProperty("run").GetProperty("state").GetString());
        Assert.Equal("Completed", run.GetProperty("run").GetProperty("state").GetString());
        Assert.Equal([1, 2, 3], run.GetProperty("rounds").EnumerateArray().Select(r => r.GetProperty("round").GetInt32()));
        await stop2.CancelAsync();
        await host2.DefaultTimeout();
    }

    [Fact]
    public async Task Stop_InterruptedRunWhileRecoveryWaitsForItsParties_IsNotResumedWhenTheyJoin()
    {
        var directory = Path.Combine(Path.GetTempPath(), "causeway-stop-" + Guid.NewGuid().ToString("N"));
        await using var store = await SqliteRunStore.OpenAsync(Path.Combine(directory, "runs.db"), null, CancellationToken.None).DefaultTimeout();
        await store.CreateRunAsync("run-old", "stoppable", Config, DateTimeOffset.UtcNow, CancellationToken.None).DefaultTimeout();
        await store.SetRunStatusAsync("run-old", RunStatus.Running, null, DateTimeOffset.UtcNow, CancellationToken.None).DefaultTimeout();

        // No party is connected, so recovery waits; the operator stops the interrupted run meanwhile.
        await using var server = await CoordinatorServer.StartAsync(services: s => s.AddSingleton<IRunStore>(store));
        using var admin = server.CreateAdminClient();
        var stopped = await admin.PostAsync(new Uri("api/runs/run-old/stop", UriKind.Relative), null).DefaultTimeout();
        using var stop = new CancellationTokenSource();
        using var client = server.CreateClient("hospital-a");
        var host = new PartyHost(client, SeparableTables.Party("hospital-a", seed: 3), server.PartyOptions("hospital-a")).RunAsync(stop.Token);
        await Recovery(server).ExecuteTask!.DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
        Assert.Null(server.Runs.ActiveRunId);
        Assert.Equal(
            (RunStatus.Stopped, "stopped by an operator after round 0; `causeway run resume` continues it from there"),
            ((await store.GetRunAsync("run-old", CancellationToken.None).DefaultTimeout())!.Status, (await store.GetRunAsync("run-old", CancellationToken.None).DefaultTimeout())!.StatusMessage));
        await stop.CancelAsync();
        await host.DefaultTimeout();
    }

    [Fact]
    public async Task Stop_CompletedOrUnknownRun_IsRefused()
    {
        await using var store = new InMemoryRunStore();
        await store.CreateRunAsync("run-done", "done", Config, DateTimeOffset.UtcNow, CancellationToken.None).DefaultTimeout();
        await store.SetRunStatusAsync("run-done", RunStatus.Running, null, DateTimeOffset.UtcNow, CancellationToken.None).DefaultTimeout();
        await store.SetRunStatusAsync("run-done", RunStatus.Completed, null, DateTimeOffset.UtcNow, CancellationToken.None).DefaultTimeout();
        await using var server = await CoordinatorServer.StartAsync(services: s => s.AddSingleton<IRunStore>(store));
        using var admin = server.CreateAdminClient();

        var completed = await admin.PostAsync(new Uri("api/runs/run-done/stop", UriKind.Relative), null).DefaultTimeout();
        var unknown = await admin.PostAsync(new Uri("api/runs/run-nope/stop", UriKind.Relative), null).DefaultTimeout();

        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.NotFound), (completed.StatusCode, unknown.StatusCode));
        Assert.Equal("run 'run-done' is completed; there is nothing to stop", (await completed.Content.ReadFromJsonAsync<JsonElement>().DefaultTimeout()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task CliRunStop_RunInProgress_PrintsTheStoppedRun_AndStatusShowsIt()
    {
        await using var server = await CoordinatorServer.StartAsync();
        var ca = Path.Combine(Path.GetTempPath(), "causeway-ca-" + Guid.NewGuid().ToString("N") + ".pem");
        await File.WriteAllTextAsync(ca, server.Authority.ExportCertificatePem());
        var party = new PartyId("hospital-a");
        using var stop = new CancellationTokenSource();
        using var client = server.CreateClient(party.Value);
        var gate = new GatedHandler(party, blockFromRound: 2);
        var host = new PartyHost(client, gate, server.PartyOptions(party.Value)).RunAsync(stop.Token);
        await server.WaitUntilPollingAsync(party.Value).DefaultTimeout();
        using var admin = server.CreateAdminClient();
        var id = await StartAsync(admin, Config);
        await gate.Blocked.DefaultTimeout();
        string[] connection = ["--coordinator", server.Address.ToString(), "--ca", ca, "--admin-token", CoordinatorServer.AdminToken];

        var (exit, stdout, stderr) = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), ["run", "stop", "--run", id, .. connection]);
        var (statusExit, status, _) = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), ["run", "status", "--run", id, "--json", .. connection]);
        var (againExit, _, refused) = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), ["run", "stop", "--run", "run-nope", .. connection]);

        Assert.True(exit == 0, stderr);
        Assert.Equal($"{id}: stopped after round 1 of 3", stdout.Trim());
        Assert.Equal(0, statusExit);
        var run = JsonDocument.Parse(status).RootElement.GetProperty("run");
        Assert.Equal(("Stopped", 0), (run.GetProperty("state").GetString(), run.GetProperty("degradedRounds").GetInt32()));
        Assert.Equal(2, againExit);
        Assert.Equal($"run stop: the coordinator at {server.Address} answered 404 Not Found: no run 'run-nope'", refused.Trim());
        await stop.CancelAsync();
        await host.DefaultTimeout();
    }

    private static async Task<string> StartAsync(HttpClient admin, string config)
    {
        var started = await admin.PostAsync(new Uri("api/runs", UriKind.Relative), new StringContent(config, Encoding.UTF8, "application/json")).DefaultTimeout();
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        return (await started.Content.ReadFromJsonAsync<JsonElement>().DefaultTimeout()).GetProperty("id").GetString()!;
    }

    private static BackgroundService Recovery(CoordinatorServer server) =>
        server.Services.GetServices<IHostedService>().OfType<RunRecovery>().Single();
}
