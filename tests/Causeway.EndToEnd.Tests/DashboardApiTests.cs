using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Causeway.Coordinator.Storage;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation.Horizontal;
using Microsoft.Extensions.DependencyInjection;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// What the dashboard stands on, over a real Kestrel coordinator: the static files, the change feed
/// (<c>GET /api/events</c>), the party list with offline parties (<c>GET /api/parties</c>) and a run's reference figures
/// and ε budget. The browser itself is driven in <see cref="DashboardBrowserTests"/>.
/// </summary>
public sealed class DashboardApiTests
{
    [Fact]
    public async Task Dashboard_ServesItsThreeFilesWithoutAToken_UnderAPolicyThatAllowsOnlyItsOwnScript()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var anonymous = server.CreateAdminClient(token: null);

        var page = await anonymous.GetAsync(new Uri("dashboard", UriKind.Relative)).DefaultTimeout();
        var html = await page.Content.ReadAsStringAsync().DefaultTimeout();
        var script = await anonymous.GetAsync(new Uri("dashboard/app.js", UriKind.Relative)).DefaultTimeout();
        var style = await anonymous.GetAsync(new Uri("dashboard/app.css", UriKind.Relative)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<script src=\"/dashboard/app.js\" defer></script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("test-federation", html, StringComparison.Ordinal); // the page holds no data; the API does
        var policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/api/events", await script.Content.ReadAsStringAsync().DefaultTimeout(), StringComparison.Ordinal);
        Assert.Equal("text/css", style.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Events_WithoutTheAdminToken_Is401()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var wrong = server.CreateAdminClient(token: "guess");

        var response = await wrong.GetAsync(new Uri("api/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Events_SayReadyThenNameThePartyThatJoinsAndThePartyThatGoesOffline()
    {
        await using var server = await CoordinatorServer.StartAsync(o =>
        {
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
            o.HeartbeatTimeout = TimeSpan.FromSeconds(1);
        });
        using var admin = server.CreateAdminClient();
        using var feed = await EventFeed.OpenAsync(admin);

        Assert.Equal(("ready", "{}"), await feed.NextAsync().DefaultTimeout());

        // A party joins, then goes silent (no heartbeats): the feed names it twice, with nothing but the topic and id.
        using var party = server.CreateClient("hospital-a");
        await party.JoinAsync(null, CancellationToken.None).DefaultTimeout();
        var joined = await feed.NextAsync().DefaultTimeout();
        var expired = await feed.NextAsync().DefaultTimeout();

        Assert.Equal(("change", """{"topic":"parties","id":"hospital-a"}"""), joined);
        Assert.Equal(("change", """{"topic":"parties","id":"hospital-a"}"""), expired);
        var parties = await GetAsync(admin, "api/parties");
        var view = Assert.Single(parties["parties"]!.AsArray())!;
        Assert.False(view["online"]!.GetValue<bool>());
        Assert.Equal("missed heartbeats", view["offlineReason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Parties_ListOnlineAndOfflineParties_WithTheirVersionAndRows()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var admin = server.CreateAdminClient();
        var options = server.PartyOptions("bank-a");
        options.ClientVersion = "pycauseway/0.3";
        using var bank = new Party.PartyClient(options);
        using var first = server.CreateClient("bank-b");
        using var second = server.CreateClient("bank-b");
        await bank.JoinAsync(DataDescription.Of(SeparableTables.SchemaJson, SeparableTables.Table(seed: 3, rows: 120)), CancellationToken.None).DefaultTimeout();
        await first.JoinAsync(null, CancellationToken.None).DefaultTimeout();
        var before = DateTimeOffset.UtcNow;

        var answer = await GetAsync(admin, "api/parties");
        await second.JoinAsync(null, CancellationToken.None).DefaultTimeout(); // replaces bank-b's first session
        var afterRejoin = await GetAsync(admin, "api/parties");

        var parties = answer["parties"]!.AsArray();
        Assert.Equal(["bank-a", "bank-b"], parties.Select(p => p!["party"]!.GetValue<string>()));
        Assert.True(parties[0]!["online"]!.GetValue<bool>());
        Assert.Equal("pycauseway/0.3", parties[0]!["version"]!.GetValue<string>());
        Assert.Equal(120, parties[0]!["rows"]!.GetValue<long>());
        Assert.Null(parties[1]!["rows"]);
        Assert.Equal("causeway-party/1", parties[1]!["version"]!.GetValue<string>());
        Assert.InRange(answer["serverTime"]!.GetValue<DateTimeOffset>(), before.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));

        // A rejoin is a new session of the same party: still one row, online, with the new session's join time.
        var rejoined = afterRejoin["parties"]!.AsArray()[1]!;
        Assert.True(rejoined["online"]!.GetValue<bool>());
        Assert.Null(rejoined["offlineReason"]);
        Assert.True(rejoined["joinedAt"]!.GetValue<DateTimeOffset>() >= parties[1]!["joinedAt"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Reference_IsCheckedStoredAndShownWithTheRunsBudget_AndTheFeedSaysTheRunChanged()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var admin = server.CreateAdminClient();
        var store = server.Services.GetRequiredService<IRunStore>();
        await store.CreateRunAsync(
            "run-ref", "ref", """{ "rounds": 5, "privacy": { "client": { "noiseMultiplier": 1, "clipNorm": 1 }, "epsilonBudget": 4.5 } }""",
            DateTimeOffset.UtcNow, CancellationToken.None).DefaultTimeout();
        using var feed = await EventFeed.OpenAsync(admin);
        await feed.NextAsync().DefaultTimeout(); // ready

        var unknownMetric = await PutAsync(admin, "api/runs/run-ref/reference", """{ "label": "centralised", "metrics": { "accuracy": 0.85 } }""");
        var noLabel = await PutAsync(admin, "api/runs/run-ref/reference", """{ "metrics": { "eval_accuracy": 0.85 } }""");
        var unknownRun = await PutAsync(admin, "api/runs/run-nope/reference", """{ "label": "centralised", "metrics": { "eval_accuracy": 0.85 } }""");
        var stored = await PutAsync(admin, "api/runs/run-ref/reference", """{ "label": "centralised", "metrics": { "eval_accuracy": 0.8533, "eval_roc_auc": 0.9 } }""");
        var change = await feed.NextAsync().DefaultTimeout();
        var details = await GetAsync(admin, "api/runs/run-ref");

        Assert.Equal(HttpStatusCode.BadRequest, unknownMetric.Status);
        Assert.Contains("metrics.accuracy: not a round metric; use eval_accuracy", unknownMetric.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noLabel.Status);
        Assert.Contains("label", noLabel.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknownRun.Status);
        Assert.Contains("no run 'run-nope'", unknownRun.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, stored.Status);
        Assert.Equal(("change", """{"topic":"runs","id":"run-ref"}"""), change);
        Assert.Equal("centralised", details["reference"]!["label"]!.GetValue<string>());
        Assert.Equal(0.8533, details["reference"]!["metrics"]!["eval_accuracy"]!.GetValue<double>());
        Assert.Equal(0.9, details["reference"]!["metrics"]!["eval_roc_auc"]!.GetValue<double>());
        Assert.Equal(4.5, details["epsilonBudget"]!.GetValue<double>());
    }

    private static async Task<JsonNode> GetAsync(HttpClient admin, string path) =>
        JsonNode.Parse(await admin.GetStringAsync(new Uri(path, UriKind.Relative)).DefaultTimeout())!;

    private static async Task<(HttpStatusCode Status, string Body)> PutAsync(HttpClient admin, string path, string json)
    {
        using var response = await admin.PutAsync(new Uri(path, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json")).DefaultTimeout();
        return (response.StatusCode, await response.Content.ReadAsStringAsync().DefaultTimeout());
    }

    /// <summary>A server-sent event stream read as (event, data) pairs; comments (keep-alives) are skipped.</summary>
    private sealed class EventFeed : IDisposable
    {
        private readonly HttpResponseMessage _response;
        private readonly StreamReader _reader;

        private EventFeed(HttpResponseMessage response, StreamReader reader) => (_response, _reader) = (response, reader);

        public static async Task<EventFeed> OpenAsync(HttpClient admin)
        {
            var response = await admin.GetAsync(new Uri("api/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead).DefaultTimeout();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            return new EventFeed(response, new StreamReader(await response.Content.ReadAsStreamAsync().DefaultTimeout(), Encoding.UTF8));
        }

        public async Task<(string Event, string Data)> NextAsync()
        {
            string? name = null;
            var data = new StringBuilder();
            while (await _reader.ReadLineAsync() is { } line)
            {
                if (line.Length == 0)
                {
                    if (name is not null)
                    {
                        return (name, data.ToString());
                    }

                    continue;
                }

                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data.Append(line["data: ".Length..]);
                }
            }

            throw new EndOfStreamException("the event stream ended");
        }

        public void Dispose()
        {
            _reader.Dispose();
            _response.Dispose();
        }
    }
}
