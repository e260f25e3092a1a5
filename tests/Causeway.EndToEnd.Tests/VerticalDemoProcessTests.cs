using System.Text.Json.Nodes;
using Causeway.EndToEnd.Tests.Infrastructure;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// <c>causeway vertical demo --quick</c> as the real CLI: a coordinator, the three bundled churn parties as processes
/// over HTTP/2 + TLS on loopback, the churn job trained without encryption; the assertions read its JSON report.
/// </summary>
public sealed class VerticalDemoProcessTests : IDisposable
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(3);

    private readonly string _root = Directory.CreateTempSubdirectory("causeway-vertical-demo-test-").FullName;

    [Fact]
    public async Task VerticalDemo_Quick_AlignsTheBundledChurnPartiesAndScoresTheHeldOutRows()
    {
        var reportPath = Path.Combine(_root, "report.json");

        var (exitCode, stdout, stderr) = await CliRunner.RunAsync(
            ProcessTimeout, "vertical", "demo", "--quick", "--work-dir", Path.Combine(_root, "work"), "--report", reportPath);

        var output = $"exit code {exitCode}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}";
        Assert.True(exitCode == 0, output);
        var report = JsonNode.Parse(await File.ReadAllTextAsync(reportPath))!;
        Assert.Equal("completed", report["state"]!.GetValue<string>());

        // The customers all three party files hold (samples/data/telco-customer-churn/parties/README.md).
        var alignment = report["result"]!["alignment"]!;
        Assert.Equal(5503, alignment["intersection"]!.GetValue<long>());
        Assert.Equal([5503, 5503], alignment["hostIntersections"]!.AsArray().Select(n => n!.GetValue<long>()));

        // --quick: the sample job without encryption, so no arbiter took part.
        Assert.Equal("none", report["job"]!["training"]!["encryption"]!.GetValue<string>());
        Assert.Null(report["job"]!["arbiter"]);
        var training = report["result"]!["training"]!;
        var evaluation = training["evaluation"]!;
        Assert.Equal(5503, training["trainRows"]!.GetValue<int>() + evaluation["rows"]!.GetValue<int>());
        Assert.InRange(evaluation["accuracy"]!.GetValue<double>(), 0.75, 0.9);
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
