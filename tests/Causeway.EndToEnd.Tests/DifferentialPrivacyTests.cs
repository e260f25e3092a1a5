using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Causeway.Coordinator.Runs;
using Causeway.Coordinator.Storage;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Party;
using Causeway.Privacy.Accounting;
using Causeway.Protocol;
using Microsoft.Extensions.DependencyInjection;
using V1 = Causeway.Protocol.V1;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// Client-level DP-FedAvg over the network: with the noise at the parties, what the coordinator receives is the
/// party's clipped delta under its share of the noise; the accountant's ε is served by the control API and stored.
/// </summary>
public sealed class DifferentialPrivacyTests
{
    private const double ClipNorm = 0.01;
    private const double NoiseMultiplier = 30;

    [Fact]
    public async Task PartiesNoise_CoordinatorReceivesNoisedClippedDeltas_AndStoresEpsilonPerRound()
    {
        var directory = Path.Combine(Path.GetTempPath(), "causeway-dp-" + Guid.NewGuid().ToString("N"));
        await using var store = await SqliteRunStore.OpenAsync(Path.Combine(directory, "runs.db"), null, CancellationToken.None).DefaultTimeout();
        var tap = new WireTap();
        await using var server = await CoordinatorServer.StartAsync(
            services: s => s.AddSingleton<IRunStore>(store),
            tap: tap);
        using var stop = new CancellationTokenSource();
        string[] names = ["bank-a", "bank-b", "bank-c"];
        var hosts = new List<Task>();
        var clients = new List<PartyClient>();
        for (var i = 0; i < names.Length; i++)
        {
            var client = server.CreateClient(names[i]);
            clients.Add(client);
            hosts.Add(new PartyHost(client, SeparableTables.Party(names[i], 40 + i), server.PartyOptions(names[i])).RunAsync(stop.Token));
            await server.WaitUntilPollingAsync(names[i]).DefaultTimeout();
        }

        using var admin = server.CreateAdminClient();
        var config = $$"""
            { "name": "dp", "rounds": 2, "model": { "type": "logistic" }, "round": { "deadlineSeconds": 20, "minResults": 3 },
              "privacy": { "client": { "noiseMultiplier": {{NoiseMultiplier}}, "clipNorm": {{ClipNorm}}, "noise": "parties" }, "delta": 1e-5 } }
            """;
        var started = await admin.PostAsync(new Uri("api/runs", UriKind.Relative), new StringContent(config, Encoding.UTF8, "application/json")).DefaultTimeout();
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>().DefaultTimeout()).GetProperty("id").GetString()!;
        await server.Runs.WaitForActiveRunAsync().DefaultTimeout();
        var run = await admin.GetFromJsonAsync<JsonElement>(new Uri($"api/runs/{id}", UriKind.Relative)).DefaultTimeout();
        await stop.CancelAsync();
        await Task.WhenAll(hosts).DefaultTimeout();
        clients.ForEach(c => c.Dispose());

        // Each party was told to clip to S and add N(0, σ²S²/m); it answered with whether its delta was within S.
        var pushes = tap.TrainResults();
        Assert.Equal(2 * 3, pushes.Count);
        var perValue = NoiseMultiplier * ClipNorm / Math.Sqrt(3);
        var all = new List<float>();
        foreach (var push in pushes)
        {
            Assert.True(push.Train.HasWithinClip);
            var values = push.Train.Delta.Tensors.SelectMany(t => FloatsOf(t.Data.Span)).ToArray();
            all.AddRange(values);

            // Clipping caps the party's delta at norm S: a longer one was noised after clipping. (A noised 4-value delta
            // is shorter than S with probability ≈ 3e-6.)
            var norm = Math.Sqrt(values.Sum(v => (double)v * v));
            Assert.True(norm > ClipNorm, $"a pushed delta has norm {norm} ≤ S: it was not noised");
        }

        // Over all 6 × 4 values the noise dominates (signal ≤ S = 0.01 per delta): the RMS is the party's noise, σS/√m
        // per value, within a factor 3 (a 24-value chi-square leaves that band with probability < 1e-6).
        var rms = Math.Sqrt(all.Average(v => (double)v * v));
        Assert.InRange(rms, perValue / 3, perValue * 3);

        // ε after each round is the accountant's for σ at q = 3/3, served by the control API and stored.
        var accountant = new RdpAccountant(1e-5);
        var expected = Enumerable.Range(0, 2).Select(_ => accountant.Add(new SampledGaussianRound(NoiseMultiplier, 1.0)).Epsilon).ToArray();
        var served = run.GetProperty("rounds").EnumerateArray().Select(r => r.GetProperty("metrics").GetProperty("epsilon").GetDouble()).ToArray();
        Assert.Equal(expected.Length, served.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], served[i], 1e-9);
        }

        var stored = await store.GetRoundsAsync(id, CancellationToken.None).DefaultTimeout();
        Assert.Equal(expected, stored.Select(r => r.Privacy!.ClientEpsilon!.Value).ToArray(), (a, b) => Math.Abs(a - b) < 1e-9);
        Assert.All(stored, r => Assert.Equal(ClipNorm, r.Privacy!.ClipNorm));
        var checkpoint = await store.LoadLatestCheckpointAsync(id, CancellationToken.None).DefaultTimeout();
        Assert.Contains("\"client\"", checkpoint!.PrivacyState, StringComparison.Ordinal);
    }

    private static IEnumerable<float> FloatsOf(ReadOnlySpan<byte> bytes)
    {
        var values = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BitConverter.ToSingle(bytes.Slice(i * sizeof(float), sizeof(float)));
        }

        return values;
    }
}
