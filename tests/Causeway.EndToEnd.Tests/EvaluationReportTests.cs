using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation.Horizontal;
using Causeway.Party;
using Causeway.Protocol;
using V1 = Causeway.Protocol.V1;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// After each evaluation round every party learns the federation's metrics beside its own, over HTTP/2: on its next task
/// of the run, the last round's as a protocol step.
/// </summary>
public sealed class EvaluationReportTests
{
    [Fact]
    public async Task Run_EveryEvaluationRound_EachPartyReceivesTheFederationsMetricsAndItsOwn_AucFromTheUnion()
    {
        var tap = new WireTap();
        await using var server = await CoordinatorServer.StartAsync(tap: tap);
        await using var hospitals = await InProcessParties.StartAsync(
            server, [("hospital-a", SeparableTables.Party("hospital-a", 1, 200)), ("hospital-b", SeparableTables.Party("hospital-b", 2, 120, shift: 0.7))]);
        var hosts = hospitals.Hosts.Select(host => (Host: host, Reports: Heard(host, r => r))).ToList();

        using var admin = server.CreateAdminClient();
        const string config = """{ "name": "reports", "seed": 3, "rounds": 3, "model": { "type": "logistic" }, "round": { "deadlineSeconds": 30, "minResults": 2 } }""";
        var started = await admin.PostAsync(new Uri("api/runs", UriKind.Relative), new StringContent(config, Encoding.UTF8, "application/json")).DefaultTimeout();
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>().DefaultTimeout()).GetProperty("id").GetString()!;
        await server.Runs.WaitForActiveRunAsync().WaitAsync(TimeSpan.FromMinutes(2));
        await hospitals.StopAsync();

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

        // The operator sees the same per-party figures in the run's rounds (never rows): what each party was told was its own.
        var parties = rounds[^1].GetProperty("evaluations").EnumerateArray().ToList();
        Assert.Equal(["hospital-a", "hospital-b"], parties.Select(p => p.GetProperty("party").GetString()));
        foreach (var (party, (host, _)) in parties.Zip(hosts))
        {
            var metrics = party.GetProperty("metrics");
            Assert.Equal(host.LastEvaluation!.Yours!.Examples, metrics.GetProperty("eval_examples").GetInt32());
            Assert.Equal(host.LastEvaluation!.Yours!.Accuracy!.Value, metrics.GetProperty("eval_accuracy").GetDouble(), 1e-12);
            Assert.Equal(host.LastEvaluation!.Yours!.RocAuc!.Value, metrics.GetProperty("eval_roc_auc").GetDouble(), 1e-12);
        }

        // Rounds 1 and 2 rode on the next round's tasks; only round 3's report was a step of its own, acknowledged once per party.
        var acknowledgements = tap.PushedResults()
            .Where(p => p.StepReply?.EvaluationReportReceived is not null)
            .Select(p => p.Round)
            .ToList();
        Assert.Equal([3, 3], acknowledgements);

        // `causeway run status` shows them as a table of the last evaluated round.
        var ca = Path.Combine(Path.GetTempPath(), "causeway-ca-" + Guid.NewGuid().ToString("N") + ".pem");
        await File.WriteAllTextAsync(ca, server.Authority.ExportCertificatePem());
        var (exit, table, stderr) = await CliRunner.RunAsync(
            TimeSpan.FromSeconds(60), ["run", "status", "--run", id, "--coordinator", server.Address.ToString(), "--ca", ca, "--admin-token", CoordinatorServer.AdminToken]);
        Assert.True(exit == 0, stderr);
        Assert.Contains("each party's own evaluation rows, round 3", table, StringComparison.Ordinal);
        var lines = table.Split('\n');
        Assert.Contains(lines, l => l.Contains("hospital-a", StringComparison.Ordinal) && l.Contains("│ 50 ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("hospital-b", StringComparison.Ordinal) && l.Contains("│ 30 ", StringComparison.Ordinal));
        Assert.NotEqual(hosts[0].Host.LastEvaluation!.Yours!.Accuracy, hosts[1].Host.LastEvaluation!.Yours!.Accuracy);
    }

    [Fact]
    public async Task Run_EndedEarlyByItsPrivacyBudget_TheReportHeldForANextTaskStillReachesEveryParty()
    {
        await using var server = await CoordinatorServer.StartAsync();
        await using var banks = await InProcessParties.StartAsync(
            server, [("bank-a", SeparableTables.Party("bank-a", 1, 150)), ("bank-b", SeparableTables.Party("bank-b", 2, 150))]);
        var hosts = banks.Hosts.Select(host => (Host: host, Rounds: Heard(host, r => r.Round))).ToList();

        // σ = 2 at δ = 1e-5 spends ε ≈ 2.5 in one round and ≈ 3.6 in two; a budget of 4 stops the run before its third of ten.
        using var admin = server.CreateAdminClient();
        const string config = """
            { "name": "budget", "seed": 3, "rounds": 10, "model": { "type": "logistic" }, "round": { "deadlineSeconds": 30, "minResults": 2 },
              "privacy": { "client": { "noiseMultiplier": 2, "clipNorm": 1, "noise": "parties" }, "delta": 1e-5, "epsilonBudget": 4 } }
            """;
        var started = await admin.PostAsync(new Uri("api/runs", UriKind.Relative), new StringContent(config, Encoding.UTF8, "application/json")).DefaultTimeout();
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>().DefaultTimeout()).GetProperty("id").GetString()!;
        await server.Runs.WaitForActiveRunAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var run = await admin.GetFromJsonAsync<JsonElement>(new Uri($"api/runs/{id}", UriKind.Relative)).DefaultTimeout();
        var stored = run.GetProperty("rounds").EnumerateArray().Select(r => r.GetProperty("round").GetInt32()).ToList();
        Assert.Equal([1, 2], stored);

        // Round 1's report rode on round 2's task; round 2 had no next task to ride on, so the run's end sent it as a step.
        foreach (var (_, rounds) in hosts)
        {
            int[] Received()
            {
                lock (rounds)
                {
                    return [.. rounds];
                }
            }

            await ProcessHarness.WaitUntilAsync("the held report", [], TimeSpan.FromSeconds(30), () => Task.FromResult(Received().Length == stored.Count));
            Assert.Equal(stored, Received());
        }

        await banks.StopAsync();
    }

    // What the host hears of every evaluation report, collected under a lock (reports arrive on the host's loop).
    private static List<T> Heard<T>(PartyHost host, Func<EvaluationReport, T> select)
    {
        var heard = new List<T>();
        host.EvaluationReported += r =>
        {
            lock (heard)
            {
                heard.Add(select(r));
            }
        };
        return heard;
    }
}
