using Causeway.EndToEnd.Tests.Infrastructure;

namespace Causeway.EndToEnd.Tests;

/// <summary>Every verb the README and the issue promise answers <c>--help</c>, run as the real CLI process.</summary>
public sealed class CliHelpTests
{
    [Theory]
    [InlineData("demo", "--dataset")]
    [InlineData("simulate", "--config")]
    [InlineData("simulate", "--test-fraction")]
    [InlineData("schema", "infer")]
    [InlineData("run", "watch")]
    [InlineData("coordinator", "--listen")]
    [InlineData("party", "--join")]
    [InlineData("run", "start")]
    [InlineData("certs", "--host")]
    [InlineData("predict", "--model")]
    [InlineData("bench", "aggregate")]
    [InlineData("bench", "network")]
    [InlineData("bench", "takeover")]
    [InlineData("bench", "recsys-network")]
    [InlineData("recsys", "demo")]
    [InlineData("recommend", "--party")]
    [InlineData("model", "export-items")]
    [InlineData("run", "popular")]
    [InlineData("vectors", "query")]
    [InlineData("vectors", "demo")]
    [InlineData("vectors", "serve")]
    [InlineData("bench", "vectors")]
    [InlineData("party", "--vectors")]
    public async Task Verb_Help_DescribesItsOptions(string verb, string expected)
    {
        var (exitCode, output) = await RunCliAsync(verb, "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains($"causeway {verb}", output, StringComparison.Ordinal);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Party_JoinAddressNotHttps_IsRefusedNamingTheOption()
    {
        var (exitCode, output) = await RunCliAsync("party", "--join", "http://coordinator:7443", "--id", "a", "--data", "a.csv", "--schema", "s.json");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--join must be the coordinator's https:// address, not 'http://coordinator:7443'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Party_SecondJoinAddressNotHttps_IsRefusedNamingTheOption()
    {
        var (exitCode, output) = await RunCliAsync(
            "party", "--join", "https://coordinator-a:7443", "--join", "coordinator-b:7443", "--id", "a", "--data", "a.csv", "--schema", "s.json");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--join must be the coordinator's https:// address, not 'coordinator-b:7443'", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunCliAsync(params string[] arguments)
    {
        var (exitCode, stdout, stderr) = await CliRunner.RunAsync(Infrastructure.TaskExtensions.DefaultTimeoutSpan, arguments);
        return (exitCode, stdout + stderr);
    }
}
