using System.Net;
using System.Net.Sockets;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Protocol.Security;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// What a user sees when the first commands fail, run as the real CLI: a non-zero exit, one line naming the cause and one
/// with a hint, never a stack trace (that takes --verbose), never an endless retry, and no files left behind.
/// </summary>
public sealed class CliFailureTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("causeway-cli-failure-test-").FullName;

    [Fact]
    public async Task Party_WrongJoinToken_ExitsNamingTheTokenAndWhereToGetIt()
    {
        await using var server = await CoordinatorServer.StartAsync();

        var result = await RunAsync("party", "--join", server.Address.ToString(), "--id", "hospital-a", "--token", "not-the-token", "--arbiter", "--ca", WriteCa(server.Authority));

        AssertFailure(
            result,
            "party: the coordinator refused the join token (invalid join token)",
            "ask the federation's operator for the right one (--token or CAUSEWAY_JOIN_TOKEN)");
    }

    [Fact]
    public async Task Party_ExpiredJoinToken_ExitsAskingForANewOne()
    {
        await using var server = await CoordinatorServer.StartAsync(o => o.AddJoinToken("last-years-token", expiresAt: DateTimeOffset.UtcNow.AddDays(-1)));

        var result = await RunAsync("party", "--join", server.Address.ToString(), "--id", "hospital-a", "--token", "last-years-token", "--arbiter", "--ca", WriteCa(server.Authority));

        AssertFailure(
            result,
            "party: the coordinator refused the join token (join token expired)",
            "ask the federation's operator for a new one (--token or CAUSEWAY_JOIN_TOKEN)");
    }

    [Fact]
    public async Task Party_WithoutCa_ExitsAskingForTheFederationCa()
    {
        await using var server = await CoordinatorServer.StartAsync();

        var result = await RunAsync("party", "--join", server.Address.ToString(), "--id", "hospital-a", "--token", CoordinatorServer.JoinToken, "--arbiter");

        AssertFailure(
            result,
            $"party: the coordinator at {server.Address} is not trusted: its certificate (CN=localhost, issued by CN=test-federation Causeway CA) is not trusted by this machine's certificate store",
            "give the federation's CA certificate with --ca FILE (ca.crt.pem from the coordinator's operator)");
    }

    [Fact]
    public async Task Party_CaOfAnotherFederation_ExitsNamingBothCas()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var impostor = DevCertificates.CreateAuthority("impostor", TimeSpan.FromDays(1));

        var result = await RunAsync("party", "--join", server.Address.ToString(), "--id", "hospital-a", "--token", CoordinatorServer.JoinToken, "--arbiter", "--ca", WriteCa(impostor));

        AssertFailure(
            result,
            $"party: the coordinator at {server.Address} is not trusted: its certificate (CN=localhost, issued by CN=test-federation Causeway CA) is not issued by the federation CA given (CN=impostor Causeway CA)",
            "--ca must be the federation's current CA certificate (ca.crt.pem from the coordinator's operator)");
    }

    [Fact]
    public async Task Party_CaFileMissing_ExitsNamingTheFile()
    {
        var missing = Path.Combine(_root, "ca.crt.pem");

        var result = await RunAsync("party", "--join", "https://127.0.0.1:1", "--id", "hospital-a", "--token", "t", "--arbiter", "--ca", missing);

        AssertFailure(result, $"party: --ca: no such file: {missing}", "give the federation's CA certificate with --ca FILE (ca.crt.pem from the coordinator's operator)");
    }

    [Fact]
    public async Task Coordinator_PortInUse_ExitsNamingThePort_AndCreatesNoDatabase()
    {
        var certs = Certificates();
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var database = Path.Combine(_root, "new.db");

        var result = await RunAsync("coordinator", "--listen", $"127.0.0.1:{port}", "--certs", certs, "--db", database, "--join-token", "j", "--admin-token", "a");

        AssertFailure(
            result,
            $"coordinator: port {port} on 127.0.0.1 is already in use (another coordinator?)",
            "stop the process that holds it, or choose another port with --listen HOST:PORT");
        Assert.Equal([], Directory.GetFiles(_root, "new.db*"));
    }

    [Fact]
    public async Task Coordinator_PortInUse_LeavesAnExistingDatabaseAsItWas()
    {
        var certs = Certificates();
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var database = Path.Combine(_root, "runs.db");
        byte[] contents = [1, 2, 3, 4];
        await File.WriteAllBytesAsync(database, contents);

        var result = await RunAsync("coordinator", "--listen", $"127.0.0.1:{port}", "--certs", certs, "--db", database, "--join-token", "j", "--admin-token", "a");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(contents, await File.ReadAllBytesAsync(database));
    }

    [Fact]
    public async Task Coordinator_CertsFolderMissing_ExitsSayingHowToCreateIt_AndCreatesNoDatabase()
    {
        var missing = Path.Combine(_root, "certs");
        var database = Path.Combine(_root, "new.db");

        var result = await RunAsync("coordinator", "--listen", $"127.0.0.1:{ProcessHarness.FreePort()}", "--certs", missing, "--db", database, "--join-token", "j", "--admin-token", "a");

        AssertFailure(
            result,
            $"coordinator: --certs: no such folder: {missing} (for server.crt.pem)",
            "create them with `causeway certs --out DIR` and give that folder with --certs DIR");
        Assert.Equal([], Directory.GetFiles(_root, "new.db*"));
    }

    [Fact]
    public async Task RunStart_CoordinatorUnreachable_ExitsNamingTheAddress()
    {
        var address = $"https://127.0.0.1:{ProcessHarness.FreePort()}/";
        var config = Path.Combine(CliRunner.RepositoryRoot(), "samples", "configs", "heart-network.json");

        var result = await RunAsync("run", "start", "--config", config, "--coordinator", address, "--admin-token", "a");

        AssertFailure(
            result,
            $"run start: cannot reach the coordinator at {address} (Connection refused)",
            "is the coordinator running at that address? (--coordinator URL; default https://127.0.0.1:7443)");
    }

    [Fact]
    public async Task RunStatus_WrongAdminToken_ExitsNamingTheToken()
    {
        await using var server = await CoordinatorServer.StartAsync();

        var result = await RunAsync("run", "status", "--coordinator", server.Address.ToString(), "--ca", WriteCa(server.Authority), "--admin-token", "not-the-admin-token");

        AssertFailure(
            result,
            $"run status: the coordinator at {server.Address} refused the admin token (missing or invalid admin token (Authorization: Bearer <token>))",
            "give the admin token the coordinator was started with (--admin-token or CAUSEWAY_ADMIN_TOKEN)");
    }

    [Fact]
    public async Task Predict_ModelFileMissing_ExitsSayingWhereModelsComeFrom()
    {
        var model = Path.Combine(_root, "model.cw");

        var result = await RunAsync("predict", "--model", model, "--data", Path.Combine(_root, "new.csv"));

        AssertFailure(result, $"predict: --model: no such file: {model}", "a run's model is downloaded with `causeway run model --run ID --out FILE`");
    }

    [Fact]
    public async Task Predict_ModelFileMissing_WithVerbose_AddsTheStackTrace()
    {
        var result = await RunAsync("predict", "--model", Path.Combine(_root, "model.cw"), "--data", Path.Combine(_root, "new.csv"), "--verbose");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("   at Causeway.Cli.Commands.PredictCommand", result.Stderr, StringComparison.Ordinal);
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

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] arguments) =>
        await CliRunner.RunAsync(Infrastructure.TaskExtensions.DefaultTimeoutSpan, arguments);

    // Exactly the two lines on standard error: the cause, then the indented hint.
    private static void AssertFailure((int ExitCode, string Stdout, string Stderr) result, string cause, string hint)
    {
        var output = $"exit code {result.ExitCode}\n--- stdout ---\n{result.Stdout}\n--- stderr ---\n{result.Stderr}";
        Assert.True(result.ExitCode == 2, output);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 2, output);
        Assert.Equal(cause, lines[0]);
        Assert.Equal(hint, lines[1]);
    }

    private string WriteCa(System.Security.Cryptography.X509Certificates.X509Certificate2 authority)
    {
        var path = Path.Combine(_root, $"ca-{Guid.NewGuid():N}.crt.pem");
        DevCertificates.WritePem(authority, path, null);
        return path;
    }

    private string Certificates() =>
        Path.GetDirectoryName(DevCertificates.CreateDevelopmentSet(Path.Combine(_root, "certs"), "test", [], TimeSpan.FromDays(1)).ServerCertificate)!;
}
