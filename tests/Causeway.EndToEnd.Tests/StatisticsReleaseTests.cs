using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Causeway.Coordinator.Runs;
using Causeway.Coordinator.Statistics;
using Causeway.Coordinator.Storage;
using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation.Horizontal;
using Causeway.Privacy.Mechanisms;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// Differentially private release of a run's merged statistics: the noise against the mechanisms' own, the sensitivity,
/// and the per-run budget over HTTP, including refusal and a coordinator restart.
/// </summary>
public sealed class StatisticsReleaseTests(ITestOutputHelper output)
{
    private const string SchemaJson = """
        {
          "format": { "delimiter": ",", "header": true },
          "columns": [
            { "name": "age", "type": "numeric" },
            { "name": "weight", "type": "numeric" },
            { "name": "colour", "type": "categorical", "categories": ["red", "green", "blue"] },
            { "name": "label", "type": "label", "classes": { "0": ["no"], "1": ["yes"] } }
          ]
        }
        """;

    private static readonly DataSchema Schema = DataSchema.Parse(SchemaJson, "the test schema");

    // Two parties' tables merged, as the coordinator holds them: 300 + 200 rows.
    private static readonly FeatureStatistics Merged = FeatureStatistics.Merge([Statistics(seed: 1, rows: 300), Statistics(seed: 2, rows: 200)]);

    [Fact]
    public void Compute_Laplace_IsTheExactVectorPlusTheLaplaceMechanismsNoise_Rounded()
    {
        var key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var request = new ReleaseRequest(ReleaseMechanism.Laplace, 0.5, 0, null);
        using var noise = NoiseSource.FromKey(key);
        using var referenceNoise = NoiseSource.FromKey(key);

        var released = StatisticsRelease.Compute(Merged, Schema, request, noise);

        // rows, age count, weight count, colour: one row touches 4 statistics, so L1 sensitivity 4 and b = 4 / 0.5.
        var exact = Exact(Merged);
        var expected = new double[exact.Length];
        LaplaceMechanism.ForEpsilon(0.5, 4, referenceNoise).Release(exact, expected);
        Assert.Equal(4, released.Sensitivity);
        Assert.Equal(Math.Sqrt(2) * 8, released.NoiseStandardDeviation, 12);
        Assert.Equal(expected.Select(v => Math.Round(v)), Flatten(released));
        Assert.Equal(["red", "green", "blue"], released.Histograms.Single().Categories.Select(c => c.Category));
        Assert.Equal(["age", "weight"], released.Counts.Select(c => c.Column));
    }

    [Fact]
    public void Compute_GaussianOnChosenColumns_UsesL2SensitivityOfTheChosenStatistics()
    {
        var key = Enumerable.Repeat((byte)7, 32).ToArray();
        var request = new ReleaseRequest(ReleaseMechanism.Gaussian, 0.5, 1e-6, ["colour"]);
        using var noise = NoiseSource.FromKey(key);
        using var referenceNoise = NoiseSource.FromKey(key);

        var released = StatisticsRelease.Compute(Merged, Schema, request, noise);

        // rows and the colour histogram: 2 statistics, L2 sensitivity √2.
        double[] exact = [Merged.Rows, .. Merged.CategoryCounts[0].Select(c => (double)c)];
        var expected = new double[exact.Length];
        var mechanism = GaussianMechanism.ForEpsilonDelta(0.5, 1e-6, Math.Sqrt(2), referenceNoise);
        mechanism.Release(exact, expected);
        Assert.Equal(Math.Sqrt(2), released.Sensitivity, 12);
        Assert.Equal(mechanism.StandardDeviation, released.NoiseStandardDeviation, 12);
        Assert.Empty(released.Counts);
        Assert.Equal(expected.Select(v => Math.Round(v)), Flatten(released));
    }

    [Theory]
    [InlineData(ReleaseMechanism.Laplace, 1.0, 0.0)]
    [InlineData(ReleaseMechanism.Gaussian, 0.8, 1e-5)]
    public void Compute_ManyReleasesFromTheSystemCsprng_ErrorHasMeanZeroAndTheStatedStandardDeviation(ReleaseMechanism mechanism, double epsilon, double delta)
    {
        const int Releases = 4000;
        var request = new ReleaseRequest(mechanism, epsilon, delta, null);
        var errors = new double[Releases];
        var stated = 0.0;
        for (var i = 0; i < Releases; i++)
        {
            using var noise = NoiseSource.Create();
            var released = StatisticsRelease.Compute(Merged, Schema, request, noise);
            errors[i] = released.Rows - Merged.Rows;
            stated = released.NoiseStandardDeviation;
        }

        var mean = errors.Average();
        var deviation = Math.Sqrt(errors.Select(e => (e - mean) * (e - mean)).Sum() / (Releases - 1));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{mechanism}: mean error {mean:F3}, sd {deviation:F3}, stated sd {stated:F3}"));

        // Mean within 5 standard errors of 0; the sample deviation within 20 % of the stated one (rounding adds ≈ 1/12 variance).
        Assert.InRange(mean, -5 * stated / Math.Sqrt(Releases), 5 * stated / Math.Sqrt(Releases));
        Assert.InRange(deviation, 0.8 * stated, 1.2 * stated);
    }

    [Theory]
    [InlineData("""{"epsilon": 0.5, "bounds": {"age": [0, 120]}}""", ReleaseRequest.NoSumsReason)]
    [InlineData("""{"mechanism": "gaussian", "epsilon": 1.5, "delta": 1e-6}""", "the Gaussian mechanism's calibration holds for epsilon in (0, 1) and delta in (0, 1); got epsilon 1.5, delta 1E-06")]
    [InlineData("""{"mechanism": "laplace", "epsilon": 0.5, "delta": 1e-6}""", "the Laplace mechanism has delta = 0; leave delta out or choose \"gaussian\"")]
    [InlineData("""{"mechanism": "exponential", "epsilon": 0.5}""", "mechanism must be \"laplace\" or \"gaussian\", not \"exponential\"")]
    [InlineData("""{"epsilon": -1}""", "epsilon must be a positive number, not -1")]
    [InlineData("""{"mechanism": "laplace"}""", "epsilon is required")]
    [InlineData("""{"epsilon": 0.5, "colour": "red"}""", "unknown field 'colour'; expected mechanism, epsilon, delta, columns")]
    public void Parse_InvalidRequest_SaysWhatIsWrong(string json, string expected)
    {
        var (request, error) = ReleaseRequest.Parse(json);

        Assert.Null(request);
        Assert.Equal(expected, error);
    }

    [Fact]
    public async Task Release_OverHttp_ReturnsNoisyCountsNearTheExactOnes_AndSpendsTheBudget()
    {
        var directory = NewDirectory();
        await using var store = await SqliteRunStore.OpenAsync(Path.Combine(directory, "runs.db"), null, CancellationToken.None).DefaultTimeout();
        await SeedRunAsync(store, "run-stats");
        await using var server = await CoordinatorServer.StartAsync(services: s => s.AddSingleton<IRunStore>(store));
        using var admin = server.CreateAdminClient();

        var (status, body) = await ReleaseAsync(admin, "run-stats", """{"mechanism": "laplace", "epsilon": 0.5}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var release = body.GetProperty("release");

        // b = 4 / 0.5 = 8: a Laplace draw beyond 10 b = 80 has probability e^-10 per value.
        Assert.InRange(release.GetProperty("rows").GetDouble(), 500 - 80, 500 + 80);
        foreach (var count in release.GetProperty("counts").EnumerateArray())
        {
            Assert.InRange(count.GetProperty("count").GetDouble(), 500 - 80, 500 + 80);
        }

        var categories = release.GetProperty("histograms")[0].GetProperty("categories").EnumerateArray().ToList();
        Assert.Equal(["red", "green", "blue"], categories.Select(c => c.GetProperty("category").GetString()));
        for (var c = 0; c < 3; c++)
        {
            Assert.InRange(categories[c].GetProperty("count").GetDouble(), Merged.CategoryCounts[0][c] - 80, Merged.CategoryCounts[0][c] + 80);
        }

        Assert.Equal(4, release.GetProperty("sensitivity").GetDouble());
        var budget = body.GetProperty("budget");
        Assert.Equal(0.5, budget.GetProperty("epsilonSpent").GetDouble());
        Assert.Equal(0.5, budget.GetProperty("epsilonRemaining").GetDouble());
        Assert.Equal(1, budget.GetProperty("releases").GetInt32());
        Assert.Equal(new StatisticsBudgetSpent(0.5, 0, 1), await store.GetStatisticsSpentAsync("run-stats", CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task Release_BeyondTheBudget_Is409NothingReleased_SpentUnchanged_AndARestartKeepsWhatWasSpent()
    {
        var directory = NewDirectory();
        var path = Path.Combine(directory, "runs.db");
        await using (var store = await SqliteRunStore.OpenAsync(path, null, CancellationToken.None).DefaultTimeout())
        {
            await SeedRunAsync(store, "run-budget");
            await using var server = await CoordinatorServer.StartAsync(services: s => s.AddSingleton<IRunStore>(store));
            using var admin = server.CreateAdminClient();
            Assert.Equal(HttpStatusCode.OK, (await ReleaseAsync(admin, "run-budget", """{"epsilon": 0.6}""")).Status);

            var (status, body) = await ReleaseAsync(admin, "run-budget", """{"mechanism": "gaussian", "epsilon": 0.5, "delta": 1e-7}""");

            Assert.Equal(HttpStatusCode.Conflict, status);
            Assert.Equal(
                "the statistics budget of run 'run-budget' cannot pay for this release (epsilon 0.5, delta 1E-07): spent epsilon 0.6 of 1 (remaining 0.4), delta 0 of 1E-06 (remaining 1E-06); nothing was released",
                body.GetProperty("error").GetString());
            Assert.False(body.TryGetProperty("release", out _));
            Assert.Equal(new StatisticsBudgetSpent(0.6, 0, 1), await store.GetStatisticsSpentAsync("run-budget", CancellationToken.None).DefaultTimeout());
        }

        // A new coordinator process on the same database: the spent budget is still there.
        await using (var reopened = await SqliteRunStore.OpenAsync(path, null, CancellationToken.None).DefaultTimeout())
        {
            await using var restarted = await CoordinatorServer.StartAsync(services: s => s.AddSingleton<IRunStore>(reopened));
            using var admin = restarted.CreateAdminClient();
            var budget = await admin.GetFromJsonAsync<JsonElement>(new Uri("api/runs/run-budget/statistics/budget", UriKind.Relative)).DefaultTimeout();
            Assert.Equal(0.6, budget.GetProperty("epsilonSpent").GetDouble());
            Assert.Equal(1, budget.GetProperty("releases").GetInt32());

            Assert.Equal(HttpStatusCode.Conflict, (await ReleaseAsync(admin, "run-budget", """{"epsilon": 0.5}""")).Status);
            var (status, body) = await ReleaseAsync(admin, "run-budget", """{"epsilon": 0.4, "columns": ["colour"]}""");

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(1.0, body.GetProperty("budget").GetProperty("epsilonSpent").GetDouble(), 12);
            Assert.Equal(0, body.GetProperty("budget").GetProperty("epsilonRemaining").GetDouble(), 12);
        }
    }

    [Fact]
    public async Task Release_AfterARealRunWithoutAStore_UsesTheMergedStatisticsOfItsParties_AndTheInMemoryBudget()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var stop = new CancellationTokenSource();
        var hosts = new List<Task>();
        var clients = new List<Causeway.Party.PartyClient>();
        foreach (var (name, seed, rows) in new[] { ("hospital-a", 1, 120), ("hospital-b", 2, 80) })
        {
            var client = server.CreateClient(name);
            clients.Add(client);
            hosts.Add(new Causeway.Party.PartyHost(client, SeparableTables.Party(name, seed, rows), server.PartyOptions(name)).RunAsync(stop.Token));
            await server.WaitUntilPollingAsync(name).DefaultTimeout();
        }

        using var admin = server.CreateAdminClient();
        using var config = new StringContent(
            """{ "name": "stats", "rounds": 1, "model": { "type": "logistic" }, "round": { "deadlineSeconds": 20, "minResults": 2 } }""", Encoding.UTF8, "application/json");
        var started = await admin.PostAsync(new Uri("api/runs", UriKind.Relative), config).DefaultTimeout();
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>().DefaultTimeout()).GetProperty("id").GetString()!;
        await server.Runs.WaitForActiveRunAsync().DefaultTimeout();

        var (status, body) = await ReleaseAsync(admin, id, """{"epsilon": 0.8, "columns": ["x1"]}""");
        var refused = await ReleaseAsync(admin, id, """{"epsilon": 0.3}""");

        // 200 rows, x1 never missing; rows and x1's count: L1 sensitivity 2, b = 2.5, so 25 is 10 b.
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, body.GetProperty("release").GetProperty("sensitivity").GetDouble());
        Assert.InRange(body.GetProperty("release").GetProperty("rows").GetDouble(), 200 - 25, 200 + 25);
        Assert.InRange(body.GetProperty("release").GetProperty("counts")[0].GetProperty("count").GetDouble(), 200 - 25, 200 + 25);
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Contains("spent epsilon 0.8 of 1 (remaining 0.2)", refused.Body.GetProperty("error").GetString(), StringComparison.Ordinal);
        await stop.CancelAsync();
        await Task.WhenAll(hosts).DefaultTimeout();
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task Release_UnknownRun_404_UnknownColumn_400_Sums_400_WithoutSpending()
    {
        var directory = NewDirectory();
        await using var store = await SqliteRunStore.OpenAsync(Path.Combine(directory, "runs.db"), null, CancellationToken.None).DefaultTimeout();
        await SeedRunAsync(store, "run-bad");
        await using var server = await CoordinatorServer.StartAsync(services: s => s.AddSingleton<IRunStore>(store));
        using var admin = server.CreateAdminClient();

        var unknownRun = await ReleaseAsync(admin, "run-nope", """{"epsilon": 0.1}""");
        var unknownColumn = await ReleaseAsync(admin, "run-bad", """{"epsilon": 0.1, "columns": ["age", "height"]}""");
        var sums = await ReleaseAsync(admin, "run-bad", """{"epsilon": 0.1, "bounds": {"age": [0, 120]}}""");

        Assert.Equal(HttpStatusCode.NotFound, unknownRun.Status);
        Assert.Equal("run 'run-nope' has no merged statistics: no such run, or its parties have not agreed on a setup yet", unknownRun.Body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, unknownColumn.Status);
        Assert.Equal("column 'height' is not a feature column of the run; its columns are age, weight, colour", unknownColumn.Body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, sums.Status);
        Assert.Equal(ReleaseRequest.NoSumsReason, sums.Body.GetProperty("error").GetString());
        Assert.Equal(StatisticsBudgetSpent.None, await store.GetStatisticsSpentAsync("run-bad", CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task RunStats_Cli_PrintsTheReleaseAsJson_AndRefusesWhenTheBudgetIsSpent()
    {
        var directory = NewDirectory();
        await using var store = await SqliteRunStore.OpenAsync(Path.Combine(directory, "runs.db"), null, CancellationToken.None).DefaultTimeout();
        await SeedRunAsync(store, "run-cli");
        await using var server = await CoordinatorServer.StartAsync(o => o.StatisticsEpsilonBudget = 0.5, s => s.AddSingleton<IRunStore>(store));
        var ca = Path.Combine(directory, "ca.crt.pem");
        Causeway.Protocol.Security.DevCertificates.WritePem(server.Authority, ca, null);
        string[] common = ["run", "stats", "--run", "run-cli", "--coordinator", server.Address.ToString(), "--ca", ca, "--admin-token", CoordinatorServer.AdminToken];

        var (exitCode, stdout, stderr) = await CliRunner.RunAsync(Infrastructure.TaskExtensions.DefaultTimeoutSpan, [.. common, "--epsilon", "0.3", "--json"]);
        var (tableCode, table, tableError) = await CliRunner.RunAsync(
            Infrastructure.TaskExtensions.DefaultTimeoutSpan, [.. common, "--epsilon", "0.2", "--mechanism", "gaussian", "--delta", "1e-7", "--column", "colour"]);
        var (refusedCode, _, refusal) = await CliRunner.RunAsync(Infrastructure.TaskExtensions.DefaultTimeoutSpan, [.. common, "--epsilon", "0.1"]);

        Assert.True(exitCode == 0, stderr);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("laplace", json.GetProperty("release").GetProperty("mechanism").GetString());
        Assert.Equal(0.3, json.GetProperty("budget").GetProperty("epsilonSpent").GetDouble());
        output.WriteLine(table);
        Assert.True(tableCode == 0, tableError);
        Assert.Contains("histogram", table, StringComparison.Ordinal);
        Assert.Contains("green", table, StringComparison.Ordinal);
        Assert.DoesNotContain("age", table, StringComparison.Ordinal);
        Assert.Equal(2, refusedCode);
        Assert.Contains("409", refusal, StringComparison.Ordinal);
        Assert.Contains("spent epsilon 0.5 of 0.5 (remaining 0)", refusal, StringComparison.Ordinal);
    }

    private static FeatureStatistics Statistics(int seed, int rows)
    {
        string[] colours = ["red", "green", "green", "blue"];
        var random = new Random(seed);
        var csv = new StringBuilder("age,weight,colour,label\n");
        for (var r = 0; r < rows; r++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{random.Next(18, 90)},{50 + (random.NextDouble() * 50):F1},{colours[random.Next(4)]},{(random.Next(2) == 0 ? "no" : "yes")}\n");
        }

        return FeatureStatistics.Compute(TableReader.Read(new StringReader(csv.ToString()), $"party-{seed}.csv", Schema));
    }

    private static double[] Exact(FeatureStatistics statistics) =>
        [statistics.Rows, .. statistics.Counts.Select(c => (double)c), .. statistics.CategoryCounts.SelectMany(k => k.Select(c => (double)c))];

    private static double[] Flatten(ReleasedStatistics released) =>
        [released.Rows, .. released.Counts.Select(c => c.Count), .. released.Histograms.SelectMany(h => h.Categories.Select(c => c.Count))];

    // A run as the coordinator stores it once its parties agreed on a setup: the merged statistics and the schema.
    private static async Task SeedRunAsync(IRunStore store, string runId)
    {
        await store.CreateRunAsync(runId, "statistics test", "{}", DateTimeOffset.UtcNow, CancellationToken.None).DefaultTimeout();
        var setup = new RunSetup(ModelSpec.LogisticRegression(5), SchemaJson, Merged);
        await store.SaveRunSetupAsync(runId, setup.ToJson(), CancellationToken.None).DefaultTimeout();
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReleaseAsync(HttpClient admin, string runId, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await admin.PostAsync(new Uri($"api/runs/{runId}/statistics/release", UriKind.Relative), content).DefaultTimeout();
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>().DefaultTimeout());
    }

    private static string NewDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "causeway-stats-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }
}
