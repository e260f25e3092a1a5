using Causeway.Core.Metrics;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Party;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// `causeway run start --follow` and `run status`, as the real CLI against a coordinator over HTTP/2: a row per round as it
/// closes, naming the party whose update was not accepted and why, and the exit code saying how the run ended.
/// </summary>
public sealed class RunFollowTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("causeway-run-follow-test-").FullName;

    [Fact]
    public async Task RunStartFollow_ThreeRounds_ARowPerRoundNamingTheRejectedParty_ThenRunStatusToo()
    {
        await using var server = await CoordinatorServer.StartAsync();
        await using var parties = await InProcessParties.StartAsync(server, [
            ("hospital-a", SeparableTables.Party("hospital-a", 1, 120)),
            ("hospital-b", SeparableTables.Party("hospital-b", 2, 120)),
            ("hospital-c", new NaNDeltaHandler(new PartyId("hospital-c"), SeparableTables.Party("hospital-c", 3, 120))),
        ]);

        var config = Path.Combine(_root, "run.json");
        File.WriteAllText(config, """{ "name": "followed", "seed": 3, "rounds": 3, "model": { "type": "logistic" }, "round": { "deadlineSeconds": 30, "minResults": 2 } }""");
        var ca = Path.Combine(_root, "ca.pem");
        File.WriteAllText(ca, server.Authority.ExportCertificatePem());
        string[] connection = ["--coordinator", server.Address.ToString(), "--ca", ca, "--admin-token", CoordinatorServer.AdminToken];

        var (exit, stdout, stderr) = await CliRunner.RunAsync(TimeSpan.FromMinutes(2), ["run", "start", "--config", config, "--follow", .. connection]);
        var runId = stdout.Split('\n')[0].Trim();
        var status = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), ["run", "status", "--run", runId, .. connection]);
        await parties.StopAsync();

        Assert.True(exit == 0, stdout + stderr);
        var lines = stdout.Split('\n').Select(l => l.TrimEnd()).ToList();
        Assert.Contains("round  updates  train loss  eval loss  accuracy     AUC  seconds  not accepted", lines);
        for (var round = 1; round <= 3; round++)
        {
            var row = Assert.Single(lines, l => l.StartsWith($"{round,5}  ", StringComparison.Ordinal));
            Assert.Contains("    2/3  ", row, StringComparison.Ordinal);
            Assert.EndsWith("hospital-c (rejected)", row, StringComparison.Ordinal);
        }

        Assert.True(status.ExitCode == 0, status.Stderr);
        Assert.Equal(
            [1, 2, 3],
            status.Stdout.Split('\n').Where(l => l.Contains(": hospital-c rejected: ", StringComparison.Ordinal)).Select(l => int.Parse(l[6..l.IndexOf(':', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task RunWatch_UnknownRun_ExitsNamingTheRun()
    {
        await using var server = await CoordinatorServer.StartAsync();
        var ca = Path.Combine(_root, "ca.pem");
        File.WriteAllText(ca, server.Authority.ExportCertificatePem());

        var (exit, _, stderr) = await CliRunner.RunAsync(
            TimeSpan.FromSeconds(60), ["run", "watch", "--run", "no-such-run", "--coordinator", server.Address.ToString(), "--ca", ca, "--admin-token", CoordinatorServer.AdminToken]);

        Assert.Equal(2, exit);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.StartsWith("run watch: ", stderr, StringComparison.Ordinal);
        Assert.Contains("no-such-run", stderr, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // Holds real data (so the run sizes its model from it) but answers every training task with NaN, which the coordinator refuses.
    private sealed class NaNDeltaHandler(PartyId party, ITaskHandler inner) : ITaskHandler
    {
        public DataDescription? Data => inner.Data;

        public Task<PartyReply> TrainAsync(TrainTask task, RunSetup? setup, CancellationToken cancellationToken) =>
            Task.FromResult(PartyReply.Success(new PartyUpdate(party, Models.Filled(task.Global.Layout, float.NaN), 10, 0.25, 0)));

        public Task<Evaluation?> EvaluateAsync(EvaluateTask task, RunSetup? setup, CancellationToken cancellationToken) =>
            inner.EvaluateAsync(task, setup, cancellationToken);
    }
}
