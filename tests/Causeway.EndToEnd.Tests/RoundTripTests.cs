using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Party;

namespace Causeway.EndToEnd.Tests;

public sealed class RoundTripTests
{
    [Fact]
    public async Task TrainAsync_ThroughPartyHosts_ReturnsEachPartysDelta()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var stop = new CancellationTokenSource();
        var a = new PartyId("hospital-a");
        var b = new PartyId("hospital-b");
        using var clientA = server.CreateClient(a.Value);
        using var clientB = server.CreateClient(b.Value);
        var hostA = new PartyHost(clientA, new ConstantDeltaHandler(a, 0.5f, examples: 10, trainSeconds: 1.5), server.PartyOptions(a.Value)).RunAsync(stop.Token);
        var hostB = new PartyHost(clientB, new ConstantDeltaHandler(b, -2f, examples: 30), server.PartyOptions(b.Value)).RunAsync(stop.Token);
        await server.WaitUntilPollingAsync(a.Value).DefaultTimeout();
        await server.WaitUntilPollingAsync(b.Value).DefaultTimeout();

        for (var round = 1; round <= 2; round++)
        {
            var task = Models.TrainTask(round);
            var replies = await Task.WhenAll(
                server.Channel.TrainAsync(a, task, CancellationToken.None),
                server.Channel.TrainAsync(b, task, CancellationToken.None)).DefaultTimeout();

            var updateA = replies[0].Update!;
            var updateB = replies[1].Update!;
            Assert.Equal(a, updateA.Party);
            Assert.Equal(b, updateB.Party);
            Assert.Equal((10, 0.25, 1.5), (updateA.Examples, updateA.TrainLoss, updateA.TrainSeconds));
            Assert.Equal(0, updateB.TrainSeconds);
            Assert.Equal(30, updateB.Examples);
            Assert.Equal(Models.Layout, updateA.Delta.Layout);
            Assert.All(updateA.Delta.Values.ToArray(), v => Assert.Equal(0.5f, v));
            Assert.All(updateB.Delta.Values.ToArray(), v => Assert.Equal(-2f, v));
        }

        var evaluation = await server.Channel.EvaluateAsync(a, new EvaluateTask(new RoundInfo("run-test", 2, 5), Models.Global()), CancellationToken.None)
            .DefaultTimeout();
        Assert.Equal(0.75, evaluation!.Accuracy);
        Assert.Equal(10, evaluation.Examples);

        await stop.CancelAsync();
        await Task.WhenAll(hostA, hostB).DefaultTimeout();
    }

    [Fact]
    public async Task TrainAsync_PartyNotConnected_IsDropout()
    {
        await using var server = await CoordinatorServer.StartAsync();

        var reply = await server.Channel.TrainAsync(new PartyId("nobody"), Models.TrainTask(1), CancellationToken.None).DefaultTimeout();

        Assert.Equal(FailureKind.Dropout, reply.Failure!.Kind);
    }

    [Fact]
    public async Task TrainAsync_PartyMissesHeartbeats_IsDropout()
    {
        await using var server = await CoordinatorServer.StartAsync(o =>
        {
            // Long enough that a cold first pull lands inside it, short enough to keep the test quick.
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(500);
            o.HeartbeatTimeout = TimeSpan.FromSeconds(2);
        });
        using var client = server.CreateClient("hospital-a");
        await client.JoinAsync(null, CancellationToken.None).DefaultTimeout();

        // The party pulls the task and then goes silent.
        var train = server.Channel.TrainAsync(new PartyId("hospital-a"), Models.TrainTask(1), CancellationToken.None);
        Assert.NotNull(await client.PullTaskAsync(CancellationToken.None).DefaultTimeout());
        var reply = await train.DefaultTimeout();

        Assert.Equal(FailureKind.Dropout, reply.Failure!.Kind);
        Assert.Contains("heartbeat", reply.Failure.Reason, StringComparison.Ordinal);
        var e = await Assert.ThrowsAsync<CoordinatorException>(() => client.HeartbeatAsync(null, CancellationToken.None)).DefaultTimeout();
        Assert.True(e.SessionExpired);
    }
}
