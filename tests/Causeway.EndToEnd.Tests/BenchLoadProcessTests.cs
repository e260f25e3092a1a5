using System.Text.Json.Nodes;
using Causeway.EndToEnd.Tests.Infrastructure;

namespace Causeway.EndToEnd.Tests;

/// <summary><c>causeway bench load</c> as the real CLI: one coordinator process, parties hosted by the bench process; every round closes with every party.</summary>
public sealed class BenchLoadProcessTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("causeway-load-bench-test-").FullName;

    [Fact]
    public async Task BenchLoad_ThirtyParties_AllJoinAndEveryRoundClosesWithAllOfThem()
    {
        var reportPath = Path.Combine(_root, "load.json");

        var (exitCode, stdout, stderr) = await CliRunner.RunAsync(
            TimeSpan.FromMinutes(3), "bench", "load", "--parties", "30", "--rounds", "2", "--idle-seconds", "1", "--work-dir", Path.Combine(_root, "work"), "--report", reportPath);

        Assert.True(exitCode == 0, $"exit code {exitCode}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}");
        var report = JsonNode.Parse(await File.ReadAllTextAsync(reportPath))!;
        Assert.Equal(30, report["joined"]!.GetValue<int>());
        Assert.Equal(2, report["rounds_closed"]!.GetValue<int>());
        Assert.All(report["per_round"]!.AsArray(), r => Assert.Equal(30, r!["updates"]!.GetValue<int>()));
        Assert.InRange(report["coordinator_rss_mb_joined"]!.GetValue<double>(), 1, 10_000);
        Assert.InRange(report["coordinator_cpu_ms_per_party_round"]!.GetValue<double>(), 0, 10_000);
        Assert.InRange(report["final_accuracy"]!.GetValue<double>(), 0, 1);
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
