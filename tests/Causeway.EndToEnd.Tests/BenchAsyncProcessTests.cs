using System.Text.Json.Nodes;
using Causeway.EndToEnd.Tests.Infrastructure;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// <c>causeway bench async</c> as the real CLI: a coordinator and three party processes on loopback (one slowed with the
/// party's --slowdown knob) train in sync mode, then in async mode; the assertions read the report's figures and the
/// update versions the coordinator stored in SQLite.
/// </summary>
public sealed class BenchAsyncProcessTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("causeway-async-bench-test-").FullName;

    [Fact]
    public async Task BenchAsync_ThreePartiesOneSlow_BothModesCompleteAndStoredVersionsAreConsistent()
    {
        var reportPath = Path.Combine(_root, "async.json");

        var (exitCode, stdout, stderr) = await CliRunner.RunAsync(
            TimeSpan.FromMinutes(5),
            "bench", "async", "--parties", "3", "--slow-fraction", "0.3", "--slowdown", "3", "--buffer-size", "2", "--updates", "12", "--epochs", "1",
            "--target-accuracy", "0.5", "--work-dir", Path.Combine(_root, "work"), "--report", reportPath);

        Assert.True(exitCode == 0, $"exit code {exitCode}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}");
        var report = JsonNode.Parse(await File.ReadAllTextAsync(reportPath))!;
        Assert.Equal((3, 1, 2), (report["parties"]!.GetValue<int>(), report["slow_parties"]!.GetValue<int>(), report["buffer_size"]!.GetValue<int>()));
        var results = report["results"]!.AsArray();
        var sync = results[0]!;
        var async = results[1]!;
        Assert.Equal(("sync", 4), (sync["mode"]!.GetValue<string>(), sync["rounds"]!.GetValue<int>()));
        Assert.Equal(("async", 6), (async["mode"]!.GetValue<string>(), async["rounds"]!.GetValue<int>()));
        Assert.Equal([3, 6, 9, 12], sync["updates"]!.AsArray().Select(u => u!.GetValue<int>()));
        Assert.Equal([2, 4, 6, 8, 10, 12], async["updates"]!.AsArray().Select(u => u!.GetValue<int>()));
        Assert.InRange(async["final_accuracy"]!.GetValue<double>(), 0.5, 1);
        Assert.True(report["sync_over_async_time_to_target"]!.GetValue<double>() > 0);

        // Sync rounds store no versions; every async row connects the version it trained on to round − 1 with s(τ).
        Assert.All(sync["stored_updates"]!.AsArray(), u => Assert.Null(u!["trained_on_version"]));
        var stored = async["stored_updates"]!.AsArray().Select(u => u!).ToList();
        Assert.Equal(12, stored.Count(u => u["outcome"]!.GetValue<string>() == "accepted"));
        foreach (var update in stored)
        {
            var round = update["round"]!.GetValue<int>();
            var trainedOn = update["trained_on_version"]!.GetValue<int>();
            var appliedTo = update["applied_to_version"]!.GetValue<int>();
            var staleness = update["staleness"]!.GetValue<int>();
            Assert.Equal(round - 1, appliedTo);
            Assert.Equal(appliedTo - trainedOn, staleness);
            Assert.InRange(trainedOn, 0, appliedTo);
            var expected = update["outcome"]!.GetValue<string>() == "accepted" ? Math.Pow(1 + staleness, -0.5) : 0;
            Assert.Equal(expected, update["staleness_weight"]!.GetValue<double>(), 1e-12);
        }

        // One update per party per buffer.
        Assert.All(stored.GroupBy(u => u["round"]!.GetValue<int>()), g => Assert.Equal(g.Count(), g.Select(u => u["party"]!.GetValue<string>()).Distinct().Count()));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
