using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Text;
using Causeway.Cli.Composition;
using Causeway.Core.Data;
using Causeway.Core.Metrics;
using Causeway.Core.Models;
using Causeway.Core.Serialization;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Protocol.Security;
using Xunit.Abstractions;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// The promise "a coordinator killed mid-run and restarted resumes from the last closed round with nothing lost",
/// kept with real processes: a <c>causeway coordinator</c> and three <c>causeway party</c> processes train on the
/// UCI heart-disease sample; the coordinator is SIGKILLed after round 3 and a new one is started on the same port,
/// certificates and SQLite file. The parties (never restarted) reconnect on their own and the run completes.
/// </summary>
public sealed class CoordinatorCrashTests(ITestOutputHelper output)
{
    private const int Rounds = 12;
    private const int Parties = 3;
    private const int KillAfterRounds = 3;

    // Client-level DP with the noise at the parties: the parties' own CLI processes clip and noise their deltas, and the
    // privacy ledger must survive the SIGKILL. The noise is small (σ·S/m ≈ 0.03 per value of the average) so the model stays useful; ε is meaningless at this σ and is only checked for continuity.
    private const double NoiseMultiplier = 0.01;
    private const double ClipNorm = 10;

    // Enough local epochs that a round takes a few hundred milliseconds (with 2 epochs all 12 rounds close in about a
    // second, before the test can see round 3 and kill the coordinator).
    private const int Epochs = 2000;

    // The metrics a closed round keeps in the run store, so a restarted coordinator shows them too
    // (src/Causeway.Coordinator/Runs/RunView.cs). The live view adds a few more that are not stored.
    private static readonly string[] StoredMetrics = ["selected", "succeeded", "seconds", "bytes", "train_loss", "eval_loss", "eval_accuracy", "epsilon", "clip_norm"];

    [Fact]
    public async Task Coordinator_KilledMidRunAndRestarted_ResumesFromLastClosedRoundWithNothingLost()
    {
        var stopwatch = Stopwatch.StartNew();
        var work = Directory.CreateTempSubdirectory("causeway-crash-").FullName;
        var processes = new List<ChildProcess>();
        var keepWork = true;
        try
        {
            var data = HeartParties.Write(work, Parties);
            var certificates = DevCertificates.CreateDevelopmentSet(
                Path.Combine(work, "certs"), "crash-test", data.Select(p => p.Id), TimeSpan.FromDays(1));
            var certsDirectory = Path.GetDirectoryName(certificates.ServerCertificate)!;
            var joinToken = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
            var adminToken = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
            var port = ProcessHarness.FreePort();
            var address = new Uri($"https://127.0.0.1:{port}");
            var database = Path.Combine(work, "causeway.db");
            using var authority = DevCertificates.LoadPem(certificates.CaCertificate);

            ChildProcess StartCoordinator(string name) => CliRunner.Start(
                name,
                ["coordinator", "--listen", $"127.0.0.1:{port}", "--certs", certsDirectory, "--db", database, "--federation", "crash-test"],
                new Dictionary<string, string> { ["CAUSEWAY_JOIN_TOKEN"] = joinToken, ["CAUSEWAY_ADMIN_TOKEN"] = adminToken },
                Path.Combine(work, $"{name}.log"));

            // 1. Coordinator A, three parties, a 12-round run.
            var coordinatorA = StartCoordinator("coordinator-a");
            processes.Add(coordinatorA);
            string runId;
            JsonArray beforeKill;
            DateTimeOffset killedAt;
            using (var api = ProcessHarness.ControlClient(address, adminToken, authority))
            {
                await ProcessHarness.WaitUntilAsync("coordinator A to answer", processes, TimeSpan.FromSeconds(60), async () => await ProcessHarness.GetAsync(api, "/api/status") is not null);
                foreach (var party in data)
                {
                    processes.Add(CliRunner.Start(
                        party.Id,
                        ["party", "--join", address.ToString(), "--id", party.Id, "--data", party.Train, "--eval", party.Evaluation,
                            "--schema", party.Schema, "--ca", certificates.CaCertificate],
                        new Dictionary<string, string> { ["CAUSEWAY_JOIN_TOKEN"] = joinToken },
                        Path.Combine(work, $"{party.Id}.log")));
                }

                await ProcessHarness.WaitUntilAsync($"{Parties} parties to join", processes, TimeSpan.FromSeconds(60), async () =>
                    (await ProcessHarness.GetAsync(api, "/api/status"))?["parties"]?.AsArray().Count >= Parties); // the connected parties

                runId = await StartRunAsync(api);
                output.WriteLine($"run {runId} started at {stopwatch.Elapsed.TotalSeconds:F1}s");

                // 2. Wait for 3 closed rounds, remember them, and SIGKILL the coordinator: no graceful shutdown.
                JsonNode? details = null;
                await ProcessHarness.WaitUntilAsync($"{KillAfterRounds} closed rounds", processes, TimeSpan.FromSeconds(90), async () =>
                {
                    details = await ProcessHarness.GetAsync(api, $"/api/runs/{runId}");
                    return details?["rounds"]?.AsArray().Count >= KillAfterRounds;
                }, TimeSpan.FromMilliseconds(20));
                await coordinatorA.KillAsync();
                killedAt = DateTimeOffset.UtcNow;
                beforeKill = details!["rounds"]!.AsArray();
                Assert.Equal("Running", details["run"]?["state"]?.GetValue<string>());
                Assert.InRange(beforeKill.Count, KillAfterRounds, Rounds - 1);
                output.WriteLine($"coordinator A killed at {stopwatch.Elapsed.TotalSeconds:F1}s with {beforeKill.Count} rounds seen closed");
            }

            // 3. Coordinator B: same port, certificates and database. The parties find it by themselves.
            var restartedAt = DateTimeOffset.UtcNow;
            processes.Remove(coordinatorA);
            coordinatorA.Dispose();
            var coordinatorB = StartCoordinator("coordinator-b");
            processes.Add(coordinatorB);
            JsonNode? final = null;
            using (var api = ProcessHarness.ControlClient(address, adminToken, authority))
            {
                await ProcessHarness.WaitUntilAsync("the resumed run to complete", processes, TimeSpan.FromSeconds(120), async () =>
                {
                    final = await ProcessHarness.GetAsync(api, $"/api/runs/{runId}");
                    var state = final?["run"]?["state"]?.GetValue<string>();
                    Assert.NotEqual("Failed", state);
                    return state == "Completed";
                });
                output.WriteLine($"run completed at {stopwatch.Elapsed.TotalSeconds:F1}s");

                // 4. Every round exactly once, 1..12.
                var rounds = final!["rounds"]!.AsArray();
                Assert.Equal(Enumerable.Range(1, Rounds), rounds.Select(r => r!["round"]!.GetValue<int>()));
                Assert.Equal(Rounds, final["run"]!["completedRounds"]!.GetValue<int>());

                // Rounds seen closed before the kill: reported exactly as before (nothing lost, nothing rewritten).
                for (var i = 0; i < beforeKill.Count; i++)
                {
                    var before = beforeKill[i]!;
                    var after = rounds[i]!;
                    var round = before["round"]!.GetValue<int>();
                    Assert.Equal(round, after["round"]!.GetValue<int>());
                    Assert.Equal(before["updates"]!.GetValue<int>(), after["updates"]!.GetValue<int>());
                    Assert.Equal(Failures(before), Failures(after));

                    // The store keeps closedAt to the microsecond.
                    var closedBefore = before["closedAt"]!.GetValue<DateTimeOffset>();
                    var closedAfter = after["closedAt"]!.GetValue<DateTimeOffset>();
                    Assert.True(
                        (closedAfter - closedBefore).Duration() < TimeSpan.FromMicroseconds(1),
                        $"round {round} closed at {closedBefore:O} before the kill but is reported as closed at {closedAfter:O}");
                    foreach (var metric in StoredMetrics)
                    {
                        var expected = before["metrics"]?[metric];
                        var actual = after["metrics"]?[metric];
                        Assert.True(expected is not null, $"round {round} had no '{metric}' before the kill");
                        Assert.True(actual is not null, $"round {round} lost '{metric}' across the restart");
                        Assert.True(
                            expected.GetValue<double>() == actual.GetValue<double>(),
                            $"round {round} '{metric}' was {expected.GetValue<double>():R} before the kill, {actual.GetValue<double>():R} after");
                    }
                }

                // Rounds closed before the kill come first; every later round was run by coordinator B with all parties.
                var closedBeforeKill = rounds.Count(r => r!["closedAt"]!.GetValue<DateTimeOffset>() < killedAt);
                Assert.InRange(closedBeforeKill, beforeKill.Count, Rounds - 1);
                Assert.All(rounds.Take(closedBeforeKill), r => Assert.True(r!["closedAt"]!.GetValue<DateTimeOffset>() < killedAt));
                Assert.All(rounds.Skip(closedBeforeKill), r =>
                {
                    Assert.True(r!["closedAt"]!.GetValue<DateTimeOffset>() > restartedAt, $"round {r["round"]} closed before coordinator B started");
                    Assert.Equal(Parties, r["updates"]!.GetValue<int>());
                    Assert.Empty(Failures(r));
                });
                Assert.All(rounds, r =>
                {
                    Assert.Equal(Parties, r!["updates"]!.GetValue<int>());
                    Assert.True(r["metrics"]?["succeeded"]?.GetValue<double>() == 1, $"round {r["round"]} failed: the global model was not stepped");
                });
                output.WriteLine($"rounds 1..{closedBeforeKill} were closed by coordinator A, {closedBeforeKill + 1}..{Rounds} by coordinator B");

                // The privacy ledger continued across the kill: round r reports the ε of r rounds, not of r − (rounds before the kill).
                var accountant = new Causeway.Privacy.Accounting.RdpAccountant(1e-5);
                foreach (var r in rounds)
                {
                    var expected = accountant.Add(new Causeway.Privacy.Accounting.SampledGaussianRound(NoiseMultiplier, 1.0)).Epsilon;
                    var served = r!["metrics"]?["epsilon"]?.GetValue<double>();
                    Assert.True(served is not null && Math.Abs(served.Value - expected) <= 1e-9 * expected, $"round {r["round"]}: ε {served}, expected {expected}");
                }

                foreach (var r in rounds)
                {
                    output.WriteLine(string.Create(
                        CultureInfo.InvariantCulture,
                        $"round {r!["round"],2}: updates {r["updates"]} eval_accuracy {r["metrics"]?["eval_accuracy"]?.GetValue<double>():F4} eval_loss {r["metrics"]?["eval_loss"]?.GetValue<double>():F4} closed {r["closedAt"]}"));
                }

                // A sensible model at the end.
                var accuracy = rounds[^1]!["metrics"]?["eval_accuracy"]?.GetValue<double>();
                Assert.NotNull(accuracy);
                Assert.InRange(accuracy.Value, 0.7, 1.0);

                // The global model downloads as a model file that loads and predicts the held-out rows.
                var modelPath = Path.Combine(work, "global-model.cw");
                using (var response = await api.GetAsync(new Uri($"/api/runs/{runId}/model", UriKind.Relative)))
                {
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    await File.WriteAllBytesAsync(modelPath, await response.Content.ReadAsByteArrayAsync());
                }

                var model = TrainedModel.Load(modelPath);
                var evaluation = model.Encode(TableReader.Read(Path.Combine(work, "all.eval.csv"), model.Schema));
                var score = ModelEvaluator.Evaluate(new DenseNetwork(model.Spec), model.Parameters, evaluation);
                output.WriteLine($"downloaded model: accuracy {score.Accuracy:F4} on {evaluation.Rows} held-out rows");
                Assert.NotNull(score.Accuracy);
                Assert.InRange(score.Accuracy.Value, 0.7, 1.0);

                // The parties scored the round-12 model on these same rows: the download is that model.
                Assert.Equal(accuracy.Value, score.Accuracy.Value, 6);
            }

            keepWork = false;
            output.WriteLine($"total {stopwatch.Elapsed.TotalSeconds:F1}s");
        }
        catch
        {
            foreach (var process in processes)
            {
                output.WriteLine($"--- {process.Name} ({process.LogPath}) ---\n{process.Tail(40)}");
            }

            throw;
        }
        finally
        {
            // Parties first, so none of them outlives its coordinator by more than a moment.
            foreach (var process in Enumerable.Reverse(processes))
            {
                process.Dispose();
            }

            if (!keepWork)
            {
                try
                {
                    Directory.Delete(work, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    private static async Task<string> StartRunAsync(HttpClient api)
    {
        var config = $$"""
            {
              "name": "crash-test",
              "seed": 7,
              "rounds": {{Rounds}},
              "model": { "type": "logistic" },
              "training": { "epochs": {{Epochs}}, "batchSize": 16, "learningRate": 0.05 },
              "strategy": { "name": "fedavg" },
              "round": { "deadlineSeconds": 60, "minResults": {{Parties}} },
              "evaluation": { "everyRounds": 1 },
              "privacy": { "client": { "noiseMultiplier": {{NoiseMultiplier}}, "clipNorm": {{ClipNorm}}, "noise": "parties" }, "delta": 1e-5 }
            }
            """;
        using var content = new StringContent(config, Encoding.UTF8, "application/json");
        using var response = await api.PostAsync(new Uri("/api/runs", UriKind.Relative), content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /api/runs answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    private static List<string> Failures(JsonNode round) => [.. round["failures"]?.AsArray().Select(f => f!.GetValue<string>()) ?? []];
}
