using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Causeway.Cli.Composition;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Protocol.Security;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// The dashboard in a real browser during a real run: Debian's Chromium, driven by Playwright, signs in to a
/// <c>causeway coordinator</c> process with the admin token while three <c>causeway party</c> processes train on the
/// heart-disease sample. Without reloading the page, the accuracy curve gains a point when a round closes (the point's
/// value is the API's), the centralised reference line appears when it is set, a party that is killed turns offline,
/// and its dropped update shows in the rounds table.
/// </summary>
public sealed class DashboardBrowserTests(ITestOutputHelper output)
{
    private const int Parties = 3;

    // Far more rounds than the test watches; it stops the run when done. Enough epochs that a round takes a few hundred
    // milliseconds, so the page is seen before and after a round closes.
    private const int Rounds = 1000;
    private const int Epochs = 2000;

    // A killed party is offline after this many seconds without a call (the coordinator's --heartbeat-timeout).
    private const int HeartbeatTimeoutSeconds = 3;

    private static readonly TimeSpan PageTimeout = TimeSpan.FromSeconds(60);

    [BrowserFact]
    public async Task Dashboard_DuringARun_CurveGainsPointsLive_ReferenceLineAppears_KilledPartyTurnsOffline()
    {
        var work = Directory.CreateTempSubdirectory("causeway-dashboard-").FullName;
        var processes = new List<ChildProcess>();
        var keepWork = true;
        try
        {
            var data = HeartParties.Write(work, Parties);
            var certificates = DevCertificates.CreateDevelopmentSet(Path.Combine(work, "certs"), "dashboard-test", data.Select(p => p.Id), TimeSpan.FromDays(1));
            var joinToken = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
            var adminToken = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
            var port = ProcessHarness.FreePort();
            var address = new Uri($"https://127.0.0.1:{port}/");
            using var authority = DevCertificates.LoadPem(certificates.CaCertificate);

            processes.Add(CliRunner.Start(
                "coordinator",
                ["coordinator", "--listen", $"127.0.0.1:{port}", "--certs", Path.GetDirectoryName(certificates.ServerCertificate)!,
                    "--db", Path.Combine(work, "causeway.db"), "--federation", "dashboard-test", "--heartbeat-timeout", $"{HeartbeatTimeoutSeconds}"],
                new Dictionary<string, string> { ["CAUSEWAY_JOIN_TOKEN"] = joinToken, ["CAUSEWAY_ADMIN_TOKEN"] = adminToken },
                Path.Combine(work, "coordinator.log")));
            using var api = ProcessHarness.ControlClient(address, adminToken, authority);
            await ProcessHarness.WaitUntilAsync("the coordinator to answer", processes, TimeSpan.FromSeconds(60), async () => await ProcessHarness.GetAsync(api, "/api/status") is not null);
            var partyProcesses = data.ToDictionary(party => party.Id, party => CliRunner.Start(
                party.Id,
                ["party", "--join", address.ToString(), "--id", party.Id, "--data", party.Train, "--eval", party.Evaluation, "--schema", party.Schema, "--ca", certificates.CaCertificate],
                new Dictionary<string, string> { ["CAUSEWAY_JOIN_TOKEN"] = joinToken },
                Path.Combine(work, $"{party.Id}.log")));
            processes.AddRange(partyProcesses.Values);
            await ProcessHarness.WaitUntilAsync($"{Parties} parties to join", processes, TimeSpan.FromSeconds(60), async () =>
                (await ProcessHarness.GetAsync(api, "/api/status"))?["parties"]?.AsArray().Count >= Parties);
            var runId = await StartRunAsync(api);

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium.Path, Headless = true });
            await using var context = await browser.NewContextAsync(new()
            {
                IgnoreHTTPSErrors = true, // the federation's development CA is not in the browser's trust store
                ViewportSize = new() { Width = 1280, Height = 1000 },
            });
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout((float)PageTimeout.TotalMilliseconds);
            await page.GotoAsync(address + "dashboard");

            // 1. Sign in with the admin token; the change feed goes live.
            await page.FillAsync("#token", adminToken);
            await page.ClickAsync("#login-form button[type=submit]");
            await page.WaitForSelectorAsync("#connection[data-state=live]");
            await page.EvaluateAsync("() => { window.sameDocument = true; }");
            Assert.Equal("federation dashboard-test", await page.TextContentAsync("#federation"));
            await page.WaitForSelectorAsync($"#runs tr[data-run='{runId}'].selected");
            foreach (var party in data)
            {
                Assert.Equal("online", await page.TextContentAsync($"#parties tr[data-party='{party.Id}'] .status"));
            }

            // 2. The accuracy curve gains a point when a round closes, and the point is the round's accuracy as the API says.
            const string Points = "#chart-quality g[data-series=eval_accuracy] circle.point";
            await page.WaitForFunctionAsync($"() => document.querySelectorAll('{Points}').length >= 2");
            var before = await page.Locator(Points).CountAsync();
            await page.WaitForFunctionAsync($"() => document.querySelectorAll('{Points}').length > {before}");
            var after = await page.Locator(Points).CountAsync();
            var title = await page.Locator(Points).Nth(after - 1).Locator("title").TextContentAsync();
            var round = (await ProcessHarness.GetAsync(api, $"/api/runs/{runId}"))!["rounds"]!.AsArray()[after - 1]!;
            Assert.Equal(
                $"round {round["round"]!.GetValue<int>()}: accuracy {round["metrics"]!["eval_accuracy"]!.GetValue<double>().ToString("F3", CultureInfo.InvariantCulture)}",
                title);
            output.WriteLine($"curve went from {before} to {after} points without a reload");

            // 3. The centralised reference, set through the API, appears as a line.
            await PutReferenceAsync(api, runId);
            await page.WaitForSelectorAsync("#chart-quality line[data-reference=eval_accuracy]", new() { State = WaitForSelectorState.Attached }); // a flat line has no height: "hidden" to Playwright
            Assert.Contains("centralised accuracy 0.830", await page.TextContentAsync("#chart-quality"), StringComparison.Ordinal);

            // 4. A party is killed: it turns offline and the others stay online. The rounds table shows the rounds without
            // it: the one it dropped out of when it was killed during training (not when killed after its push, as
            // then it is simply not selected again), and those its two peers close alone.
            var victim = data[^1].Id;
            await partyProcesses[victim].KillAsync();
            processes.Remove(partyProcesses[victim]);
            await page.WaitForSelectorAsync($"#parties tr[data-party='{victim}'] .status.offline");
            Assert.Equal("offline", await page.TextContentAsync($"#parties tr[data-party='{victim}'] .status"));
            Assert.Equal("online", await page.TextContentAsync($"#parties tr[data-party='{data[0].Id}'] .status"));
            await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#rounds td')].some(cell => cell.textContent === '2 of 2 accepted')");
            var rounds = (await ProcessHarness.GetAsync(api, $"/api/runs/{runId}"))!["rounds"]!.AsArray();
            if (rounds.Any(r => r!["parties"]!.AsArray().Any(p => p!["party"]!.GetValue<string>() == victim && p["outcome"]!.GetValue<string>() == "dropout")))
            {
                await page.WaitForFunctionAsync(
                    $"() => [...document.querySelectorAll('#rounds .failures div')].some(line => line.textContent.startsWith('{victim}: dropout'))");
            }

            Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "the page reloaded");

            var screenshot = Path.Combine(work, "dashboard.png");
            await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
            if (Environment.GetEnvironmentVariable("CAUSEWAY_DASHBOARD_SCREENSHOT") is { Length: > 0 } keep)
            {
                File.Copy(screenshot, keep, overwrite: true);
            }

            using var stop = await api.PostAsync(new Uri($"/api/runs/{runId}/stop", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
            keepWork = false;
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.KillAsync();
                process.Dispose();
            }

            if (keepWork)
            {
                output.WriteLine($"logs kept in {work}");
            }
            else
            {
                TryDelete(work);
            }
        }
    }

    private static async Task<string> StartRunAsync(HttpClient api)
    {
        var config = $$"""
            {
              "name": "dashboard-test",
              "seed": 7,
              "rounds": {{Rounds}},
              "model": { "type": "logistic" },
              "training": { "epochs": {{Epochs}}, "batchSize": 16, "learningRate": 0.05 },
              "round": { "deadlineSeconds": 60, "minResults": 2 },
              "evaluation": { "everyRounds": 1 }
            }
            """;
        using var content = new StringContent(config, Encoding.UTF8, "application/json");
        using var response = await api.PostAsync(new Uri("/api/runs", UriKind.Relative), content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /api/runs answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    private static async Task PutReferenceAsync(HttpClient api, string runId)
    {
        using var content = new StringContent("""{ "label": "centralised", "metrics": { "eval_accuracy": 0.83 } }""", Encoding.UTF8, "application/json");
        using var response = await api.PutAsync(new Uri($"/api/runs/{runId}/reference", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
