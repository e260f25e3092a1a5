using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Causeway.Coordinator.Storage;
using Causeway.Core.Data;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation;
using Causeway.Party;
using Microsoft.Extensions.DependencyInjection;

namespace Causeway.EndToEnd.Tests;

/// <summary>Data islands grow while a run goes on: a party that joins mid-run and fits the run's setup trains from the next round on.</summary>
public sealed class JoinMidRunTests
{
    private const string OtherSchemaJson = """
        {
          "format": { "delimiter": ",", "header": true },
          "columns": [
            { "name": "x1", "type": "numeric" },
            { "name": "label", "type": "label", "classes": { "0": ["no"], "1": ["yes"] } }
          ]
        }
        """;

    [Fact]
    public async Task PartyJoiningARunningRun_TrainsFromALaterRound_WhileAPartyWithAnotherSchemaIsLeftOut()
    {
        await using var store = new InMemoryRunStore();
        await using var server = await CoordinatorServer.StartAsync(services: s => s.AddSingleton<IRunStore>(store));
        using var stop = new CancellationTokenSource();
        using var first = server.CreateClient("hospital-a");
        var hosts = new List<Task> { new PartyHost(first, SeparableTables.Party("hospital-a", seed: 1), server.PartyOptions("hospital-a")).RunAsync(stop.Token) };
        await server.WaitUntilPollingAsync("hospital-a").DefaultTimeout();
        using var admin = server.CreateAdminClient();

        var started = await admin.PostAsync(
            new Uri("api/runs", UriKind.Relative),
            new StringContent("""{ "name": "growing", "rounds": 400, "model": { "type": "logistic" }, "evaluation": { "everyRounds": 0 } }""", Encoding.UTF8, "application/json"))
            .DefaultTimeout();
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>().DefaultTimeout()).GetProperty("id").GetString()!;
        await WaitForRoundAsync(store, id, 3);

        // One party with the run's schema and one with another join while rounds go on.
        using var second = server.CreateClient("hospital-b");
        using var misfit = server.CreateClient("clinic-c");
        var otherSchema = DataSchema.Parse(OtherSchemaJson, "other schema");
        var otherTable = TableReader.Read(new StringReader("x1,label\n1,yes\n-1,no\n2,yes\n"), "clinic-c.csv", otherSchema);
        hosts.Add(new PartyHost(second, SeparableTables.Party("hospital-b", seed: 2), server.PartyOptions("hospital-b")).RunAsync(stop.Token));
        hosts.Add(new PartyHost(misfit, new LocalDataHandler(new PartyId("clinic-c"), OtherSchemaJson, otherTable, null), server.PartyOptions("clinic-c")).RunAsync(stop.Token));
        await server.Runs.WaitForActiveRunAsync().WaitAsync(TimeSpan.FromMinutes(2));

        var run = await store.GetRunAsync(id, CancellationToken.None);
        var rounds = await store.GetRoundsAsync(id, CancellationToken.None);
        var joinedIn = rounds.First(r => r.Parties.Any(p => p.Party.Value == "hospital-b")).Round;
        Assert.Equal(RunStatus.Completed, run!.Status);
        Assert.Equal(400, rounds.Count);
        Assert.True(joinedIn > 3, $"hospital-b trained in round {joinedIn}, before it joined");
        Assert.All(rounds.Where(r => r.Round < joinedIn), r => Assert.Equal(["hospital-a"], r.Parties.Select(p => p.Party.Value)));
        Assert.All(rounds.Where(r => r.Round > joinedIn), r => Assert.Equal(2, r.Participants));
        Assert.DoesNotContain(rounds.SelectMany(r => r.Parties), p => p.Party.Value == "clinic-c");
        await stop.CancelAsync();
        await Task.WhenAll(hosts).DefaultTimeout();
    }

    private static async Task WaitForRoundAsync(IRunStore store, string runId, int round)
    {
        var deadline = DateTime.UtcNow + Infrastructure.TaskExtensions.DefaultTimeoutSpan;
        while ((await store.GetRoundsAsync(runId, CancellationToken.None)).Count < round)
        {
            Assert.True(DateTime.UtcNow < deadline, $"run {runId} did not close round {round} in time");
            await Task.Delay(5);
        }
    }
}
