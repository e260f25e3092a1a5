using System.Diagnostics;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation;

namespace Causeway.EndToEnd.Tests;

public sealed class LongPollTests
{
    [Fact]
    public async Task PullTask_WaitingPoll_ReturnsTheMomentATaskIsEnqueued()
    {
        await using var server = await CoordinatorServer.StartAsync(o => o.LongPollTimeout = TimeSpan.FromSeconds(25));
        using var client = server.CreateClient("hospital-a");
        await client.JoinAsync(null, CancellationToken.None).DefaultTimeout();
        var pull = client.PullTaskAsync(CancellationToken.None);
        await server.WaitUntilPollingAsync("hospital-a").DefaultTimeout();
        using var round = new CancellationTokenSource();

        var clock = Stopwatch.StartNew();
        var train = server.Channel.TrainAsync(new PartyId("hospital-a"), Models.TrainTask(round: 3), round.Token);
        var task = await pull.DefaultTimeout();
        clock.Stop();

        // Not a speed target: a poll that waited for its timeout would take the full 25 s.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the pull took {clock.Elapsed} after the enqueue (long-poll timeout 25 s)");
        Assert.NotNull(task);
        var received = task.Train!;
        Assert.Equal(new RoundInfo("run-test", 3, 5), received.Round);
        Assert.Equal(45UL, received.Seed);
        Assert.Equal(Models.TrainTask(3).Plan, received.Plan);
        Assert.Equal(Models.Layout, received.Global.Layout);
        Assert.Equal(Models.Global().Values.ToArray(), received.Global.Values.ToArray());
        round.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => train).DefaultTimeout();
    }

    [Fact]
    public async Task PullTask_NoTask_AnswersNoTaskAfterTheTimeout()
    {
        await using var server = await CoordinatorServer.StartAsync(o => o.LongPollTimeout = TimeSpan.FromMilliseconds(300));
        using var client = server.CreateClient("hospital-a");
        await client.JoinAsync(null, CancellationToken.None).DefaultTimeout();

        var clock = Stopwatch.StartNew();
        var task = await client.PullTaskAsync(CancellationToken.None).DefaultTimeout();

        Assert.Null(task);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(250), $"answered after {clock.Elapsed}");
    }
}
