using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Causeway.Cli.Composition;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation;
using Causeway.Federation.Vertical.Data;
using Causeway.Federation.Vertical.Network;
using Causeway.Protocol.Security;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// Vertical jobs across real processes: a <c>causeway coordinator</c>, three <c>causeway party --vertical-data</c>
/// processes holding disjoint column groups of churn customers (each a different subset), and an arbiter, over HTTP/2
/// and TLS on loopback. PSI, training and scoring run as protocol steps through the coordinator's mailbox.
/// </summary>
public sealed class VerticalJobProcessTests(ITestOutputHelper output)
{
    private static readonly string[] Parties = ["telecom", "payments", "usage"];

    [Fact]
    public async Task VerticalJob_RealProcesses_AlignsTrainsAndScoresLikeTheInProcessRunAndEncryptionKeepsTheModel()
    {
        var work = Directory.CreateTempSubdirectory("causeway-vjob-").FullName;
        var processes = new List<ChildProcess>();
        try
        {
            // Arrange: the parties' files restricted to the same 150 customers (each party then misses some of them).
            var files = Parties.ToDictionary(p => p, p => Subset(p, 150, work));
            var certificates = DevCertificates.CreateDevelopmentSet(Path.Combine(work, "certs"), "vertical-test", [.. Parties, "auditor"], TimeSpan.FromDays(1));
            var joinToken = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
            var adminToken = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
            var port = ProcessHarness.FreePort();
            var address = new Uri($"https://127.0.0.1:{port}");
            using var authority = DevCertificates.LoadPem(certificates.CaCertificate);
            ChildProcess StartParty(string id, string[] arguments) => CliRunner.Start(
                id,
                ["party", "--join", address.ToString(), "--id", id, "--ca", certificates.CaCertificate, .. arguments],
                new Dictionary<string, string> { ["CAUSEWAY_JOIN_TOKEN"] = joinToken },
                Path.Combine(work, $"{id}.log"));
            processes.Add(CliRunner.Start(
                "coordinator",
                ["coordinator", "--listen", $"127.0.0.1:{port}", "--certs", Path.GetDirectoryName(certificates.ServerCertificate)!, "--db", Path.Combine(work, "causeway.db")],
                new Dictionary<string, string> { ["CAUSEWAY_JOIN_TOKEN"] = joinToken, ["CAUSEWAY_ADMIN_TOKEN"] = adminToken },
                Path.Combine(work, "coordinator.log")));
            using var api = ProcessHarness.ControlClient(address, adminToken, authority);
            await ProcessHarness.WaitUntilAsync("the coordinator to answer", processes, TimeSpan.FromSeconds(60), async () => await ProcessHarness.GetAsync(api, "/api/status") is not null);
            foreach (var party in Parties)
            {
                processes.Add(StartParty(party, ["--vertical-data", files[party], "--vertical-schema", ChurnSchema(party), "--vertical-scoring", "--vertical-models", Path.Combine(work, $"models-{party}")]));
            }

            processes.Add(StartParty("auditor", ["--arbiter"]));
            await ProcessHarness.WaitUntilAsync("4 parties to join", processes, TimeSpan.FromSeconds(60), async () =>
                (await ProcessHarness.GetAsync(api, "/api/status"))?["parties"]?.AsArray().Count >= 4);

            // Act 1: plain training with the exact loss.
            var plainJob = Job("""{ "loss": "logistic", "encryption": "none", "epochs": 3, "batchSize": 32 }""", arbiter: false);
            var plain = await RunJobAsync(api, plainJob, processes);

            // Assert 1: the same alignment and the same scores, to the last bit, as the in-process run on the same files.
            var local = await RunInProcessAsync(plainJob, files, work);
            var alignment = plain["result"]!["alignment"]!;
            Assert.Equal(local.Alignment.Intersection, alignment["intersection"]!.GetValue<long>());
            Assert.InRange(local.Alignment.Intersection, 100, 149);
            Assert.Equal([.. local.Alignment.HostIds], alignment["hostIds"]!.AsArray().Select(n => n!.GetValue<long>()));
            Assert.Equal([local.Alignment.Intersection, local.Alignment.Intersection], alignment["hostIntersections"]!.AsArray().Select(n => n!.GetValue<long>()));
            var evaluation = plain["result"]!["training"]!["evaluation"]!;
            Assert.Equal(local.Training!.Evaluation.Rows, evaluation["rows"]!.GetValue<int>());
            Assert.Equal(local.Training.Evaluation.Accuracy, evaluation["accuracy"]!.GetValue<double>());
            Assert.Equal(local.Training.Evaluation.Auc, evaluation["auc"]!.GetValue<double>());
            Assert.Equal(local.Training.Evaluation.Loss, evaluation["loss"]!.GetValue<double>());

            // A split neural network over the network: bit-identical to the in-process run too.
            var splitJob = """{ "name": "churn-split", "guest": "telecom", "hosts": ["payments", "usage"], "splitNetwork": { "hidden": [8], "embedding": 4, "topHidden": 8, "epochs": 3, "batchSize": 32 }, "holdout": { "fraction": 0.3, "seed": 42 } }""";
            var splitStatus = await RunJobAsync(api, splitJob, processes);
            var split = splitStatus["result"]!["training"]!["evaluation"]!;
            var localSplit = (await RunInProcessAsync(splitJob, files, work)).Training!.Evaluation;
            Assert.Equal(localSplit.Accuracy, split["accuracy"]!.GetValue<double>());
            Assert.Equal(localSplit.Auc, split["auc"]!.GetValue<double>());
            Assert.Equal(localSplit.Loss, split["loss"]!.GetValue<double>());

            // Each party wrote its part as ONNX (--vertical-models); chained in ONNX Runtime on the held-out customers'
            // raw columns they score them as the job did.
            var (accuracy, auc) = ScoreWithOnnxParts(files, work, splitStatus["id"]!.GetValue<string>());
            Assert.Equal(split["accuracy"]!.GetValue<double>(), accuracy, 6);
            Assert.Equal(split["auc"]!.GetValue<double>(), auc, 3);

            // Federated transfer learning over the network, Paillier-2048 both ways: the same model as in process.
            var ftlJob = """{ "name": "churn-ftl", "guest": "telecom", "hosts": ["payments"], "transfer": { "dimension": 2, "epochs": 3, "seed": 5 }, "holdout": { "fraction": 0.3, "seed": 42 } }""";
            var ftlStatus = await RunJobAsync(api, ftlJob, processes);
            var ftl = ftlStatus["result"]!["training"]!["evaluation"]!;
            var localFtl = (await RunInProcessAsync(ftlJob, files, work)).Training!.Evaluation;
            Assert.Equal(localFtl.Accuracy, ftl["accuracy"]!.GetValue<double>());
            Assert.Equal(localFtl.Auc, ftl["auc"]!.GetValue<double>());
            Assert.Equal(localFtl.Loss, ftl["loss"]!.GetValue<double>(), 9);

            // The target (payments, --vertical-models) wrote its prediction for every one of its customers; those of the
            // held-out overlap give the job's AUC against the labels only the source holds.
            var targetPredictions = File.ReadAllLines(Path.Combine(work, "models-payments", ftlStatus["id"]!.GetValue<string>(), "transfer-predictions.csv"))
                .Skip(1).Select(l => l.Split(',')).ToDictionary(r => r[0], r => float.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
            var payments = VerticalTable.Load(files["payments"], ChurnSchema("payments"));
            Assert.Equal(payments.Ids.Order(StringComparer.Ordinal), targetPredictions.Keys.Order(StringComparer.Ordinal));
            var telecom = VerticalTable.Load(files["telecom"], ChurnSchema("telecom"));
            var heldOut = VerticalTable.CanonicalOrder(telecom.Ids.Intersect(payments.Ids), Privacy.Psi.PsiIdOptions.Default).Where(id => VerticalHoldout.IsTest(id, 42, 0.3)).ToList();
            Assert.Equal(ftl["auc"]!.GetValue<double>(), Core.Metrics.ClassificationMetrics.RocAuc([.. heldOut.Select(id => targetPredictions[id])], telecom.AlignLabels(heldOut)));

            // Vertical inference over the network: the parties holding an ID score it; null where one does not.
            var known = VerticalTable.Load(files["telecom"], ChurnSchema("telecom")).Ids.First(id =>
                File.ReadAllText(files["payments"]).Contains(id, StringComparison.Ordinal) && File.ReadAllText(files["usage"]).Contains(id, StringComparison.Ordinal));
            using var scoreRequest = new StringContent($$"""{ "ids": ["{{known}}", "no-such-customer"] }""", Encoding.UTF8, "application/json");
            using var scored = await api.PostAsync(new Uri($"/api/vertical/jobs/{plain["id"]}/score", UriKind.Relative), scoreRequest);
            var predictions = JsonNode.Parse(await scored.Content.ReadAsStringAsync())!["predictions"]!.AsArray();
            Assert.Equal(HttpStatusCode.OK, scored.StatusCode);
            Assert.InRange(predictions[0]!.GetValue<double>(), 0.0, 1.0);
            Assert.Null(predictions[1]);

            // Act 2: the Taylor loss in the clear and under the arbiter's 2048-bit Paillier key.
            var taylor = await RunJobAsync(api, Job("""{ "loss": "taylor-logistic", "encryption": "none", "epochs": 1, "batchSize": 32 }""", arbiter: false), processes);
            var encrypted = await RunJobAsync(api, Job("""{ "loss": "taylor-logistic", "encryption": "arbiter", "epochs": 1, "batchSize": 32 }""", arbiter: true), processes);

            // Assert 2: the same model up to the fixed-point encoding.
            var expected = taylor["result"]!["training"]!["evaluation"]!;
            var actual = encrypted["result"]!["training"]!["evaluation"]!;
            Assert.Equal(expected["loss"]!.GetValue<double>(), actual["loss"]!.GetValue<double>(), 3);
            Assert.Equal(expected["auc"]!.GetValue<double>(), actual["auc"]!.GetValue<double>(), 2);
            output.WriteLine($"plain {evaluation.ToJsonString()}; taylor {expected.ToJsonString()}; arbiter {actual.ToJsonString()}");

            // A job naming a party that is not connected is refused before anything starts.
            using var content = new StringContent("""{ "guest": "telecom", "hosts": ["bank"] }""", Encoding.UTF8, "application/json");
            using var refused = await api.PostAsync(new Uri("/api/vertical/jobs", UriKind.Relative), content);
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal("party 'bank' is not connected", JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
        }
        finally
        {
            foreach (var process in Enumerable.Reverse(processes))
            {
                process.Dispose();
            }

            Directory.Delete(work, recursive: true);
        }
    }

    private static string Job(string training, bool arbiter) =>
        $$"""{ "name": "churn", "guest": "telecom", "hosts": ["payments", "usage"], {{(arbiter ? "\"arbiter\": \"auditor\", " : string.Empty)}}"training": {{training}}, "holdout": { "fraction": 0.3, "seed": 42 } }""";

    private static async Task<JsonNode> RunJobAsync(HttpClient api, string job, List<ChildProcess> processes)
    {
        using var content = new StringContent(job, Encoding.UTF8, "application/json");
        using var response = await api.PostAsync(new Uri("/api/vertical/jobs", UriKind.Relative), content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /api/vertical/jobs answered {(int)response.StatusCode}: {body}");
        var id = JsonNode.Parse(body)!["id"]!.GetValue<string>();
        JsonNode? status = null;
        await ProcessHarness.WaitUntilAsync($"vertical job {id}", processes, TimeSpan.FromSeconds(180), async () =>
        {
            status = await ProcessHarness.GetAsync(api, $"/api/vertical/jobs/{id}");
            return status?["state"]?.GetValue<string>() != "running";
        });
        Assert.True(status!["state"]!.GetValue<string>() == "completed", $"job {id}: {status.ToJsonString()}");
        return status;
    }

    // The held-out customers (the job's public rule over the IDs every party holds), scored by the parties' ONNX parts:
    // each bottom model on its own party's raw columns, then the guest's top model on the three embeddings.
    private static (double Accuracy, double Auc) ScoreWithOnnxParts(Dictionary<string, string> files, string work, string job)
    {
        var tables = Parties.Select(p => VerticalTable.Load(files[p], ChurnSchema(p))).ToArray();
        var shared = tables.Skip(1).Aggregate(tables[0].Ids.ToHashSet(StringComparer.Ordinal), (set, t) => { set.IntersectWith(t.Ids); return set; });
        var test = VerticalTable.CanonicalOrder(shared, Privacy.Psi.PsiIdOptions.Default).Where(id => VerticalHoldout.IsTest(id, 42, 0.3)).ToList();
        var embeddings = new List<NamedOnnxValue>();
        for (var p = 0; p < Parties.Length; p++)
        {
            var lines = File.ReadAllLines(files[Parties[p]]);
            var header = lines[0].Split(',');
            var byId = lines.Skip(1).Select(l => l.Split(',')).ToDictionary(r => r[0].Trim(), StringComparer.Ordinal);
            var rows = test.Select(id => byId[id]).ToList();
            using var bottom = new InferenceSession(Path.Combine(work, $"models-{Parties[p]}", job, $"bottom-{p}.onnx"));
            using var output = bottom.Run(OnnxInputs.Of(tables[p].Schema, header, rows));
            var embedding = output.Single(o => o.Name == "embedding").AsTensor<float>();
            embeddings.Add(NamedOnnxValue.CreateFromTensor($"embedding_{p}", new DenseTensor<float>(embedding.ToArray(), [rows.Count, embedding.Dimensions[1]])));
        }

        using var top = new InferenceSession(Path.Combine(work, "models-telecom", job, "top.onnx"));
        using var scored = top.Run(embeddings);
        var probabilities = scored.Single().AsEnumerable<float>().ToArray();
        var labels = tables[0].AlignLabels(test);
        return (Core.Metrics.ClassificationMetrics.Accuracy(probabilities, labels), Core.Metrics.ClassificationMetrics.RocAuc(probabilities, labels));
    }

    private static async Task<VerticalJobResult> RunInProcessAsync(string job, Dictionary<string, string> files, string work)
    {
        var config = VerticalJobConfig.Parse(job, "test");
        var parties = Parties.ToDictionary(p => new PartyId(p), p => new VerticalParty(VerticalTable.Load(files[p], ChurnSchema(p)), Path.Combine(work, "local")));
        try
        {
            return await new VerticalJob("local", config, new VerticalLocalChannel(parties)).RunAsync(CancellationToken.None);
        }
        finally
        {
            foreach (var party in parties.Values)
            {
                party.Dispose();
            }
        }
    }

    // The party's rows among the first `customers` telecom IDs in ordinal order.
    private static string Subset(string party, int customers, string folder)
    {
        var telecom = File.ReadAllLines(ChurnTable("telecom")).Skip(1).Select(Id).Order(StringComparer.Ordinal).Take(customers).ToHashSet(StringComparer.Ordinal);
        var lines = File.ReadAllLines(ChurnTable(party));
        var path = Path.Combine(folder, $"{party}.csv");
        File.WriteAllLines(path, [lines[0], .. lines.Skip(1).Where(line => telecom.Contains(Id(line)))]);
        return path;

        static string Id(string line) => line[..line.IndexOf(',', StringComparison.Ordinal)];
    }

    private static string ChurnTable(string party) => Path.Combine(CliRunner.RepositoryRoot(), "samples", "data", "telco-customer-churn", "parties", $"{party}.csv");

    private static string ChurnSchema(string party) => Path.Combine(CliRunner.RepositoryRoot(), "samples", "churn", "parties", $"{party}.schema.json");
}
