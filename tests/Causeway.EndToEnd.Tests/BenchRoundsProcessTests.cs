using System.Text.Json.Nodes;
using Causeway.EndToEnd.Tests.Infrastructure;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// <c>causeway bench rounds</c> as the real CLI: a coordinator and two party processes on loopback train softmax on the
/// digits; the assertions read the fields issue 8 names in its JSON report.
/// </summary>
public sealed class BenchRoundsProcessTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("causeway-rounds-bench-test-").FullName;

    [Fact]
    public async Task BenchRounds_TwoParties_ReportsRoundTimeCpuMemoryIdleAndAccuracy()
    {
        var reportPath = Path.Combine(_root, "rounds.json");

        var (exitCode, stdout, stderr) = await CliRunner.RunAsync(
            TimeSpan.FromMinutes(3), "bench", "rounds", "--parties", "2", "--rounds", "4", "--idle-seconds", "1", "--work-dir", Path.Combine(_root, "work"), "--report", reportPath);

        Assert.True(exitCode == 0, $"exit code {exitCode}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}");
        var report = JsonNode.Parse(await File.ReadAllTextAsync(reportPath))!;
        var result = Assert.Single(report["results"]!.AsArray())!;
        Assert.Equal(2, result["parties"]!.GetValue<int>());
        Assert.Equal(3, result["round_seconds"]!.AsArray().Count);
        Assert.InRange(result["steady_round_seconds"]!.GetValue<double>(), 1e-6, 60);
        Assert.InRange(result["cpu_ms_per_party_round"]!.GetValue<double>(), 0, 10_000);
        Assert.InRange(result["party_rss_mb"]!.GetValue<double>(), 1, 10_000);
        Assert.InRange(result["party_pss_mb"]!.GetValue<double>(), 1, result["party_rss_mb"]!.GetValue<double>());
        Assert.InRange(result["coordinator_rss_mb"]!.GetValue<double>(), 1, 10_000);
        Assert.InRange(result["idle_cpu_cores"]!.GetValue<double>(), 0, 2);
        Assert.InRange(result["final_accuracy"]!.GetValue<double>(), 0.5, 1);
        Assert.NotNull(result["load_average_before"]);
        Assert.NotNull(result["load_average_after"]);
        Assert.Equal(3, result["process_ids"]!.AsArray().Count);

        // Only the bench's own sub-folder was removed: the work directory the user named is still there.
        Assert.True(Directory.Exists(Path.Combine(_root, "work")));
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
