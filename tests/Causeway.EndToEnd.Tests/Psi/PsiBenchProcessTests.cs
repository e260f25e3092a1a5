using System.Text.Json.Nodes;
using Causeway.EndToEnd.Tests.Infrastructure;

namespace Causeway.EndToEnd.Tests.Psi;

/// <summary>
/// <c>causeway bench psi</c> as the real CLI: it starts a coordinator and a guest and a host party process on loopback
/// and runs the PSI as a vertical job over HTTP/2; the assertions read its JSON report.
/// </summary>
public sealed class PsiBenchProcessTests : IDisposable
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(3);

    private readonly string _root = Directory.CreateTempSubdirectory("causeway-psi-bench-test-").FullName;

    [Fact]
    public async Task BenchPsi_OverTheNetwork_FindsExactlyTheSharedIdsAndReportsTheRates()
    {
        var reportPath = Path.Combine(_root, "psi.json");

        var (exitCode, stdout, stderr) = await CliRunner.RunAsync(ProcessTimeout, "bench", "psi", "--ids", "2000", "--overlap", "0.3", "--batch", "512", "--report", reportPath);

        var output = $"exit code {exitCode}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}";
        Assert.True(exitCode == 0, output);
        var report = JsonNode.Parse(await File.ReadAllTextAsync(reportPath))!;
        Assert.Equal("http2", report["transport"]!.GetValue<string>());
        Assert.Equal(600, report["expected"]!.GetValue<long>());
        Assert.Equal(600, report["intersection"]!.GetValue<long>());
        Assert.True(report["ec_mul_per_second"]!.GetValue<double>() > 0, report.ToJsonString());
        Assert.True(report["seconds"]!.GetValue<double>() > 0, report.ToJsonString());
        Assert.True(report["wall_seconds_with_process_start"]!.GetValue<double>() > report["seconds"]!.GetValue<double>(), report.ToJsonString());

        // The coordinator relayed at least every ID's point once each way (65 bytes, uncompressed P-256).
        Assert.True(report["relayed_bytes"]!.GetValue<long>() >= 2 * 2000 * 65, report.ToJsonString());
        Assert.Equal(["coordinator", "guest", "host"], report["processes"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));
        Assert.All(report["processes"]!.AsArray(), p => Assert.True(p!["peak_rss_bytes"]!.GetValue<long>() > 0, p.ToJsonString()));
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
