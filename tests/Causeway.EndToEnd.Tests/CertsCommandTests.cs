using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Protocol.Security;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// <c>causeway certs</c> and <c>causeway certs add-party</c> as the real CLI: adding a party leaves the CA file parties
/// hold untouched; only --force replaces it, and says so.
/// </summary>
public sealed class CertsCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("causeway-certs-command-test-").FullName;

    [Fact]
    public async Task Certs_AddingParties_KeepsTheCaHandedOut_ForceReplacesItAndSaysSo()
    {
        var folder = Path.Combine(_root, "certs");
        var caFile = Path.Combine(folder, DevCertificates.CaCertificateFile);
        await RunAsync("certs", "--out", folder);
        var handedOut = await File.ReadAllBytesAsync(caFile);

        var withParty = await RunAsync("certs", "--out", folder, "--party", "hospital-a");
        var added = await RunAsync("certs", "add-party", "hospital-b", "--out", folder);
        var afterAdding = await File.ReadAllBytesAsync(caFile);
        var forced = await RunAsync("certs", "--out", folder, "--force");

        Assert.Equal(handedOut, afterAdding);
        Assert.Contains("kept", withParty, StringComparison.Ordinal);
        Assert.Contains("party hospital-b", added, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "party-hospital-a.crt.pem")));
        Assert.True(File.Exists(Path.Combine(folder, "party-hospital-b.key.pem")));
        Assert.NotEqual(handedOut, await File.ReadAllBytesAsync(caFile));
        Assert.Contains("replaced the federation CA", forced, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertsAddParty_NoCa_ExitsSayingHowToCreateOne()
    {
        var folder = Path.Combine(_root, "none");

        var (exitCode, _, stderr) = await CliRunner.RunAsync(Infrastructure.TaskExtensions.DefaultTimeoutSpan, "certs", "add-party", "hospital-a", "--out", folder);

        Assert.Equal(2, exitCode);
        Assert.Equal(
            [$"certs add-party: {folder} holds no federation CA (ca.crt.pem and ca.key.pem)", $"create the CA first with `causeway certs --out {folder}`"],
            stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
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

    private static async Task<string> RunAsync(params string[] arguments)
    {
        var (exitCode, stdout, stderr) = await CliRunner.RunAsync(Infrastructure.TaskExtensions.DefaultTimeoutSpan, arguments);
        Assert.True(exitCode == 0, $"causeway {string.Join(' ', arguments)}: exit code {exitCode}\n{stdout}\n{stderr}");
        return stdout;
    }
}
