using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Causeway.Coordinator.Runs;
using Causeway.Coordinator.Storage;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.Protection;
using Causeway.Party;
using Causeway.Protocol;
using Causeway.Protocol.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using V1 = Causeway.Protocol.V1;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// Secure aggregation and Paillier over real HTTP/2 on loopback, three real party hosts: the protected run learns as
/// well as the plain one, and the coordinator never holds a party's update — not on the wire, not in its SQLite store,
/// not in its logs.
/// </summary>
public sealed class ProtectedRoundTests
{
    private const double Scale = 65536;

    [Theory]
    [InlineData("""{ "kind": "secagg", "threshold": 2 }""")]
    [InlineData("""{ "kind": "paillier", "keyHolder": "hospital-c", "keyBits": 2048 }""")]
    public async Task Run_ProtectedOverHttp2_MatchesPlainAccuracy_CoordinatorNeverHoldsAnUpdate(string protection)
    {
        var directory = Path.Combine(Path.GetTempPath(), "causeway-e2e-" + Guid.NewGuid().ToString("N"));
        await using var store = await SqliteRunStore.OpenAsync(Path.Combine(directory, "runs.db"), null, CancellationToken.None).DefaultTimeout();
        var tap = new WireTap();
        var logs = new CapturedLogs();
        await using var server = await CoordinatorServer.StartAsync(
            services: s =>
            {
                
                s.AddSingleton<IRunStore>(store);
                s.AddSingleton<ILoggerProvider>(logs);
            },
            tap: tap);
        using var stop = new CancellationTokenSource();
        var hosts = new List<Task>();
        var disposables = new List<IDisposable>();
        var recorders = new List<RecordingHandler>();
        foreach (var (name, seed) in new[] { ("hospital-a", 1), ("hospital-b", 2), ("hospital-c", 3) })
        {
            var recorder = new RecordingHandler(SeparableTables.Party(name, seed));
            recorders.Add(recorder);
            var client = server.CreateClient(name);
            var host = new PartyHost(client, recorder, server.PartyOptions(name));
            disposables.Add(client);
            disposables.Add(host);
            hosts.Add(host.RunAsync(stop.Token));
            await server.WaitUntilPollingAsync(name).DefaultTimeout();
        }

        using var admin = server.CreateAdminClient();
        var plain = await RunAsync(admin, server, null);
        var before = tap.Count;
        var secured = await RunAsync(admin, server, protection);
        await stop.CancelAsync();
        await Task.WhenAll(hosts).DefaultTimeout();
        disposables.ForEach(d => d.Dispose());

        // Learns like the plain run: every round aggregated all three parties, final accuracy within 2 points.
        Assert.All(secured.Rounds, r => Assert.Equal(3, r.Updates));
        Assert.True(Math.Abs(plain.Accuracy - secured.Accuracy) <= 0.02, $"plain accuracy {plain.Accuracy}, protected {secured.Accuracy}");
        Assert.True(secured.Accuracy > 0.85, $"protected accuracy {secured.Accuracy}");

        // On the wire: every train reply is a protected update, never a delta.
        var pushes = tap.TrainResults(before);
        Assert.Equal(3 * 3, pushes.Count);
        Assert.All(pushes, p => Assert.Null(p.Train.Delta));
        Assert.All(pushes, p => Assert.NotNull(p.Train.ProtectedUpdate));

        var truths = recorders.SelectMany(r => r.ProtectedDeltas).ToList();
        Assert.Equal(3 * 3, truths.Count);

        // Evaluations: the plain run's carry each party's score histogram; under secure aggregation none does, and the
        // federation's AUC comes from their secure sum instead (Paillier runs evaluate in the clear).
        var evaluations = tap.PushedResults(before).Where(p => p.Evaluation is not null).Select(p => p.Evaluation).ToList();
        Assert.NotEmpty(evaluations);
        Assert.All(tap.PushedResults().Take(before).Where(p => p.Evaluation is not null), p => Assert.NotEmpty(p.Evaluation.PositiveHistogram));
        var secureScores = protection.Contains("secagg", StringComparison.Ordinal);
        Assert.All(evaluations, e => Assert.Equal(secureScores, e.PositiveHistogram.Count == 0 && e.NegativeHistogram.Count == 0));
        Assert.All(secured.Rounds, r => Assert.InRange(r.Auc!.Value, 0.9, 1.0));
        Assert.All(plain.Rounds.Zip(secured.Rounds), p => Assert.InRange(p.Second.Auc!.Value - p.First.Auc!.Value, -0.05, 0.05));
        if (protection.Contains("secagg", StringComparison.Ordinal))
        {
            var masked = pushes.Select(p => RingValues(p.Train.ProtectedUpdate.SecaggMasked.Values.Span)).ToList();

            // A clipped, quantised update lies in [−C·S, C·S]; a masked one is uniform on Z_2^32, so almost never there.
            var plausible = masked.SelectMany(m => m).Count(q => Math.Abs((long)q) <= Scale);
            Assert.True(plausible <= masked.Sum(m => m.Length) / 100, $"{plausible} masked values look like quantised updates");

            // And no masked vector correlates with any party's true delta.
            foreach (var vector in masked)
            {
                foreach (var truth in truths)
                {
                    var r = Correlation(vector.Select(q => q / Scale).ToArray(), truth);
                    Assert.True(Math.Abs(r) < 0.5, $"a masked vector correlates with a true delta: r = {r}");
                }
            }
        }

        // The detector below finds the plain run's deltas in the plain run's requests.
        var plainBodies = tap.Requests.Take(before).Select(r => r.Body).ToList();
        Assert.All(recorders.SelectMany(r => r.PlainDeltas), truth => Assert.Contains(plainBodies, b => b.AsSpan().IndexOf(Windows(truth).First()) >= 0));

        // No window of a true delta (float32, or quantised int32) in any request, the store's files or the logs.
        var stored = Directory.GetFiles(directory).Select(File.ReadAllBytes).ToList();
        var logged = logs.Text;
        var bodies = tap.Requests.Skip(before).Select(r => r.Body).ToList();
        foreach (var truth in truths)
        {
            foreach (var window in Windows(truth))
            {
                Assert.All(bodies.Concat(stored), bytes => Assert.True(bytes.AsSpan().IndexOf(window) < 0, "a true delta was sent or stored"));
            }

            foreach (var value in truth.Where(v => Math.Abs(v) > 1e-3))
            {
                Assert.DoesNotContain(value.ToString("R", CultureInfo.InvariantCulture), logged, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Run_AuthenticatedSecAggPlusOverMutualTls_KeysSignedWithEachPartysCertificate_LearnsLikePlain()
    {
        using var authority = DevCertificates.CreateAuthority("test-federation", TimeSpan.FromDays(1));
        var tap = new WireTap();
        await using var server = await CoordinatorServer.StartAsync(authority: authority, tap: tap, allowClientCertificates: true);
        using var stop = new CancellationTokenSource();
        var hosts = new List<Task>();
        var disposables = new List<IDisposable>();
        var certificates = new Dictionary<string, X509Certificate2>();
        foreach (var (name, seed) in new[] { ("hospital-a", 1), ("hospital-b", 2), ("hospital-c", 3), ("hospital-d", 4) })
        {
            var certificate = DevCertificates.IssuePartyCertificate(authority, name, TimeSpan.FromDays(1));
            certificates[name] = certificate;
            var options = server.PartyOptions(name);
            options.ClientCertificate = certificate;
            var client = new PartyClient(options);
            var host = new PartyHost(client, SeparableTables.Party(name, seed), server.PartyOptions(name));
            disposables.AddRange([client, host, certificate]);
            hosts.Add(host.RunAsync(stop.Token));
            await server.WaitUntilPollingAsync(name).DefaultTimeout();
        }

        using var admin = server.CreateAdminClient();
        var plain = await RunAsync(admin, server, null);
        var before = tap.PushedResults().Count;
        var secured = await RunWithIdAsync(
            admin, server, """{ "kind": "secagg", "variant": "secagg+", "authenticated": true, "dropoutRate": 0, "corruptionRate": 0 }""");
        await stop.CancelAsync();
        await Task.WhenAll(hosts).DefaultTimeout();

        Assert.All(secured.Rounds, r => Assert.Equal(4, r.Updates));
        Assert.True(Math.Abs(plain.Accuracy - secured.Accuracy) <= 0.02, $"plain accuracy {plain.Accuracy}, protected {secured.Accuracy}");

        // Every party's round keys went out signed (three training rounds and three evaluation sums, which follow the
        // run's mode), and each signature verifies under the key of a federation certificate, over one of this run's
        // session labels: the keys are bound to the certificate's identity.
        var steps = tap.PushedResults(before).Where(p => p.StepReply is not null).Select(p => p.StepReply).ToList();
        var keys = steps.Where(s => s.SecaggKeys is not null).Select(s => s.SecaggKeys).ToList();
        Assert.Equal(4 * 3 * 2, keys.Count);
        string[] labels = [.. Enumerable.Range(1, 3).SelectMany(r => new[] { $"{secured.Id}/round-{r}", $"{secured.Id}/evaluation-{r}" })];
        var publicKeys = certificates.Values.Select(c => c.GetECDsaPublicKey()!).ToList();
        foreach (var k in keys)
        {
            var signed = labels.Any(label =>
            {
                var message = Privacy.SecureAggregation.SecureAggregationIdentity.KeysMessage(label, k.Party, k.MaskPublicKey.Span, k.SharePublicKey.Span);
                return publicKeys.Any(p => p.VerifyData(message, k.Signature.Span, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
            });
            Assert.True(signed, $"party {k.Party}'s keys are not signed by a federation certificate");
        }

        // The consistency round ran: each round, every party signed its view of the survivors before unmasking.
        Assert.Equal(4 * 3 * 2, steps.Count(s => s.SecaggConfirmed is { Signature.Length: 64 }));
        Assert.Equal(4 * 3 * 2, steps.Count(s => s.SecaggUnmasked is not null));
        Assert.All(secured.Rounds, r => Assert.InRange(r.Auc!.Value, 0.9, 1.0));
        publicKeys.ForEach(p => p.Dispose());
        disposables.ForEach(d => d.Dispose());
    }

    [Theory]
    [InlineData("""{ "kind": "secagg", "threshold": 2 }""", "the masked vector has")]
    [InlineData("""{ "kind": "paillier", "keyHolder": "hospital-a" }""", "The Paillier ciphertext is out of range")]
    public async Task Run_PartySendsABadProtectedUpdate_RejectedNamingIt_RoundGoesOn(string protection, string reason)
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var stop = new CancellationTokenSource();
        var hosts = new List<Task>();
        var disposables = new List<IDisposable>();
        foreach (var (name, seed) in new[] { ("hospital-a", 1), ("hospital-b", 2) })
        {
            var client = server.CreateClient(name);
            var host = new PartyHost(client, SeparableTables.Party(name, seed), server.PartyOptions(name));
            disposables.AddRange([client, host]);
            hosts.Add(host.RunAsync(stop.Token));
            await server.WaitUntilPollingAsync(name).DefaultTimeout();
        }

        using var rogue = server.CreateClient("hospital-c");
        var rogueData = SeparableTables.Party("hospital-c", 3);
        await rogue.JoinAsync(rogueData.Data, CancellationToken.None).DefaultTimeout();
        var rogueLoop = RogueAsync(rogue, rogueData, stop.Token);
        await server.WaitUntilPollingAsync("hospital-c").DefaultTimeout();

        using var admin = server.CreateAdminClient();
        var config = $$"""{ "name": "rogue", "rounds": 1, "model": { "type": "logistic" }, "round": { "deadlineSeconds": 30, "minResults": 2 }, "protection": {{protection}} }""";
        var started = await admin.PostAsync(new Uri("api/runs", UriKind.Relative), new StringContent(config, Encoding.UTF8, "application/json")).DefaultTimeout();
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>().DefaultTimeout()).GetProperty("id").GetString()!;
        await server.Runs.WaitForActiveRunAsync().WaitAsync(TimeSpan.FromMinutes(2));
        await stop.CancelAsync();
        await Task.WhenAll([.. hosts, rogueLoop]).DefaultTimeout();
        disposables.ForEach(d => d.Dispose());

        var run = await admin.GetFromJsonAsync<JsonElement>(new Uri($"api/runs/{id}", UriKind.Relative)).DefaultTimeout();
        var round = Assert.Single(run.GetProperty("rounds").EnumerateArray());
        Assert.Equal(2, round.GetProperty("updates").GetInt32());
        var failure = Assert.Single(round.GetProperty("failures").EnumerateArray()).GetString()!;
        Assert.StartsWith("hospital-c: Rejected: ", failure, StringComparison.Ordinal);
        Assert.Contains(reason, failure, StringComparison.Ordinal);
        Assert.Equal("Completed", run.GetProperty("run").GetProperty("state").ToString());
    }

    // A party that follows the protocol but corrupts its protected update: one element short, or ciphertexts ≥ n².
    private static async Task RogueAsync(PartyClient client, LocalDataHandler data, CancellationToken cancellationToken)
    {
        using var protection = new PartyProtection(client.Party);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var task = await client.PullTaskAsync(cancellationToken);
                if (task?.Step is { } step)
                {
                    await client.PushStepReplyAsync(task, protection.Handle(step), thenPull: false, cancellationToken);
                }
                else if (task?.Train is { } train)
                {
                    var reply = protection.Protect(train, await data.TrainAsync(train, task.Setup, cancellationToken));
                    var update = reply.Protected!;
                    ProtocolMessage corrupted = update.Payload switch
                    {
                        SecureAggregationMasked m => new SecureAggregationMasked(m.Input with { Values = m.Input.Values[..^1] }),
                        PaillierCiphertexts c => c with { Ciphertexts = [.. c.Ciphertexts.Select(b => Enumerable.Repeat((byte)0xFF, b.Length).ToArray())] },
                        _ => throw new InvalidOperationException(update.Payload.Name),
                    };
                    await client.PushTrainResultAsync(task, PartyReply.Success(update with { Payload = corrupted }), thenPull: false, cancellationToken);
                }
                else if (task is not null)
                {
                    await client.PushEvaluationAsync(task, null, thenPull: false, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static async Task<(double Accuracy, List<(int Updates, double Accuracy, double? Auc)> Rounds)> RunAsync(HttpClient admin, CoordinatorServer server, string? protection)
    {
        var (accuracy, rounds, _) = await RunWithIdAsync(admin, server, protection);
        return (accuracy, rounds);
    }

    private static async Task<(double Accuracy, List<(int Updates, double Accuracy, double? Auc)> Rounds, string Id)> RunWithIdAsync(HttpClient admin, CoordinatorServer server, string? protection)
    {
        var config = $$"""
            { "name": "protected", "seed": 7, "rounds": 3, "model": { "type": "mlp", "hidden": [32] },
              "training": { "epochs": 2, "batchSize": 16, "learningRate": 0.1 },
              "round": { "deadlineSeconds": 60, "minResults": 3 }
              {{(protection is null ? "" : $", \"protection\": {protection}")}} }
            """;
        var started = await admin.PostAsync(new Uri("api/runs", UriKind.Relative), new StringContent(config, Encoding.UTF8, "application/json")).DefaultTimeout();
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>().DefaultTimeout()).GetProperty("id").GetString()!;
        await server.Runs.WaitForActiveRunAsync().WaitAsync(TimeSpan.FromMinutes(3));
        var run = await admin.GetFromJsonAsync<JsonElement>(new Uri($"api/runs/{id}", UriKind.Relative)).DefaultTimeout();
        Assert.True(run.GetProperty("run").GetProperty("state").ToString() == "Completed", run.ToString());
        var rounds = run.GetProperty("rounds").EnumerateArray()
            .Select(r => (
                r.GetProperty("updates").GetInt32(),
                r.GetProperty("metrics").GetProperty("eval_accuracy").GetDouble(),
                r.GetProperty("metrics").TryGetProperty("eval_roc_auc", out var auc) ? auc.GetDouble() : (double?)null))
            .ToList();
        return (rounds[^1].Item2, rounds, id);
    }

    private static int[] RingValues(ReadOnlySpan<byte> bytes)
    {
        var values = new int[bytes.Length / 4];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]);
        }

        return values;
    }

    // 16-byte windows (4 values) of the delta as float32 and as quantised int32, skipping windows with zeros (they match anything).
    private static IEnumerable<byte[]> Windows(float[] delta)
    {
        for (var i = 0; i + 4 <= delta.Length; i += 4)
        {
            var values = delta.AsSpan(i, 4);
            if (values.ToArray().Any(v => Math.Abs(v) < 1e-6f))
            {
                continue;
            }

            var floats = new byte[16];
            var quantised = new byte[16];
            for (var j = 0; j < 4; j++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(floats.AsSpan(4 * j), values[j]);
                BinaryPrimitives.WriteInt32LittleEndian(quantised.AsSpan(4 * j), (int)Math.Round(Math.Clamp(values[j], -1, 1) * Scale, MidpointRounding.ToEven));
            }

            yield return floats;
            yield return quantised;
        }
    }

    private static double Correlation(double[] x, float[] y)
    {
        var n = Math.Min(x.Length, y.Length);
        double mx = 0, my = 0;
        for (var i = 0; i < n; i++)
        {
            mx += x[i];
            my += y[i];
        }

        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < n; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        return sxy / Math.Sqrt(sxx * syy);
    }
}
