using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Causeway.Coordinator.Runs;
using Causeway.Core.Data;
using Causeway.Core.Serialization;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Party;
using Causeway.Protocol;
using Microsoft.Extensions.DependencyInjection;
using V1 = Causeway.Protocol.V1;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// The README's privacy claim for horizontal runs, checked on the bytes the coordinator received: a party sends its
/// schema and aggregate statistics on join and model deltas afterwards, and no row value in any form.
/// </summary>
public sealed class WhoSeesWhatTests
{
    [Fact]
    public async Task Coordinator_ReceivesStatisticsAndDeltas_NeverARowValue()
    {
        var tap = new WireTap();
        await using var server = await CoordinatorServer.StartAsync(tap: tap);
        using var stop = new CancellationTokenSource();
        var parties = new[] { ("hospital-a", 21), ("hospital-b", 22) };
        var hosts = new List<Task>();
        var clients = new List<PartyClient>();
        foreach (var (name, seed) in parties)
        {
            var client = server.CreateClient(name);
            clients.Add(client);
            hosts.Add(new PartyHost(client, SeparableTables.Party(name, seed), server.PartyOptions(name)).RunAsync(stop.Token));
            await server.WaitUntilPollingAsync(name).DefaultTimeout();
        }

        using var admin = server.CreateAdminClient();
        await admin.PostAsync(
            new Uri("api/runs", UriKind.Relative),
            new StringContent("""{ "name": "tap", "rounds": 2, "model": { "type": "logistic" }, "round": { "deadlineSeconds": 20, "minResults": 2 } }""", Encoding.UTF8, "application/json"))
            .DefaultTimeout();
        await server.Runs.WaitForActiveRunAsync().DefaultTimeout();
        await stop.CancelAsync();
        await Task.WhenAll(hosts).DefaultTimeout();
        clients.ForEach(c => c.Dispose());

        var requests = tap.Requests;
        Assert.Equal(2 * 2, requests.Count(r => r.Path == CausewayProtocol.PushResultPath && V1.PushResultRequest.Parser.ParseFrom(r.Body).Train is not null));

        // On join: exactly the schema and the statistics of the party's training table.
        foreach (var (name, seed) in parties)
        {
            var join = requests.Where(r => r.Path == CausewayProtocol.JoinPath).Select(r => V1.JoinRequest.Parser.ParseFrom(r.Body)).Single(j => j.PartyId == name);
            Assert.Equal(SeparableTables.SchemaJson, join.Data.SchemaJson);
            Assert.Equal(FeatureStatistics.Compute(SeparableTables.Table(seed, 200)), FeatureStatisticsJson.Deserialize(join.Data.StatisticsJson, name));
        }

        // No feature value of any training or held-out row, as text or as float64/float32 bytes, in any request.
        foreach (var (_, seed) in parties)
        {
            foreach (var value in RowValues(SeparableTables.Csv(seed, 200)).Concat(RowValues(SeparableTables.Csv(seed + 1000, 50))))
            {
                byte[][] forms =
                [
                    Encoding.UTF8.GetBytes(value.ToString("R", CultureInfo.InvariantCulture)),
                    BitConverter.GetBytes(value),
                    BitConverter.GetBytes((float)value),
                ];
                foreach (var (path, body) in requests)
                {
                    Assert.All(forms, form => Assert.True(body.AsSpan().IndexOf(form) < 0, $"a row value ({value:R}) was sent to {path}"));
                }
            }
        }
    }

    private static IEnumerable<double> RowValues(string csv) =>
        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .SelectMany(line => line.Split(',')[..3])
            .Select(field => double.Parse(field, CultureInfo.InvariantCulture));
}
