using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation.Horizontal;
using Causeway.Party;

namespace Causeway.EndToEnd.Tests;

/// <summary>After each evaluation round every party learns the federation's metrics beside its own, over HTTP/2.</summary>
public sealed class EvaluationReportTests
{
    [Fact]
    public async Task Run_EveryEvaluationRound_EachPartyReceivesTheFederationsMetricsAndItsOwn_AucFromTheUnion()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var stop = new CancellationTokenSource();
        var hosts = new List<(PartyHost Host, List<EvaluationReport> Reports)>();
        var running = new List<Task>();
        var disposables = new List<IDisposable>();
        foreach (var (name, seed, rows) in new[] { ("hospital-a", 1, 200), ("hospital-b", 2, 120) })
        {
            var client = server.CreateClient(name);
            var host = new PartyHost(client, SeparableTables.Party(name, seed, rows, shift: seed == 2 ? 0.7 : 0), server.PartyOptions(name));
            var reports = new List<EvaluationReport>();
            host.EvaluationReported += r =>
            {
                lock (reports)
                {
                    reports.Add(r);
                }
            };
            hosts.Add((host, reports));
            disposables.AddRange([client, host]);
            running.Add(host.RunAsync(stop.Token));
            await server.WaitUntilPollingAsync(name).DefaultTimeout();
        }

        using var admin = server.CreateAdminClient();
        const string config = """{ "name": "reports", "seed": 3, "rounds": 3, "model": { "type": "logistic" }, "round": { "deadlineSeconds": 30, "minResults": 2 } }""";
        var started = await admin.PostAsync(new Uri("api/runs", UriKind.Relative), new StringContent(config, Encoding.UTF8, "application/json")).DefaultTimeout();
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>().DefaultTimeout()).GetProperty("id").GetString()!;
        await server.Runs.WaitForActiveRunAsync().WaitAsync(TimeSpan.FromMinutes(2));
        await stop.CancelAsync();
        await Task.WhenAll(running).DefaultTimeout();
        disposables.ForEach(d => d.Dispose());

        var rounds = (await admin.GetFromJsonAsync<JsonElement>(new Uri($"api/runs/{id}", UriKind.Relative)).DefaultTimeout()).GetProperty("rounds").EnumerateArray().ToList();
        var last = rounds[^1].GetProperty("metrics");
        foreach (var (host, reports) in hosts)
        {
            // One report per evaluated round, the federation's figures those the coordinator stored for the round.
            Assert.Equal(rounds.Select(r => r.GetProperty("round").GetInt32()), reports.Select(r => r.Round));
            var report = host.LastEvaluation!;
            Assert.Equal(50 + 30, report.Federation.Examples);
            Assert.Equal(last.GetProperty("eval_accuracy").GetDouble(), report.Federation.Accuracy!.Value, 1e-9);
            Assert.Equal(last.GetProperty("eval_roc_auc").GetDouble(), report.Federation.RocAuc!.Value, 1e-9);
        }

        Assert.Equal([50, 30], hosts.Select(h => h.Host.LastEvaluation!.Yours!.Examples));
        Assert.NotEqual(hosts[0].Host.LastEvaluation!.Yours!.Accuracy, hosts[1].Host.LastEvaluation!.Yours!.Accuracy);
    }
}
