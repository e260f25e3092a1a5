using System.Net;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Party;

namespace Causeway.EndToEnd.Tests;

/// <summary>A result pushed with <c>then_pull</c> is answered with the party's next task: one call per task.</summary>
public sealed class ThenPullTests
{
    private static readonly PartyId Party = new("hospital-a");

    [Fact]
    public async Task PushTrainResultAsync_ThenPull_AcceptsTheResultAndReturnsTheNextTask()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var client = server.CreateClient(Party.Value);
        await client.JoinAsync(null, CancellationToken.None).DefaultTimeout();
        var first = server.Channel.TrainAsync(Party, Models.TrainTask(1), CancellationToken.None);
        var task = await client.PullTaskAsync(CancellationToken.None).DefaultTimeout();
        var second = server.Channel.TrainAsync(Party, Models.TrainTask(2), CancellationToken.None);

        var next = await client.PushTrainResultAsync(task!, Reply(0.5f), thenPull: true, CancellationToken.None).DefaultTimeout();
        await client.PushTrainResultAsync(next!, Reply(-1f), thenPull: false, CancellationToken.None).DefaultTimeout();

        Assert.Equal(2, next!.Train!.Round.Round);
        Assert.All((await first.DefaultTimeout()).Update!.Delta.Values.ToArray(), v => Assert.Equal(0.5f, v));
        Assert.All((await second.DefaultTimeout()).Update!.Delta.Values.ToArray(), v => Assert.Equal(-1f, v));
    }

    [Fact]
    public async Task PushTrainResultAsync_ThenPullWithNoTaskWithinTheLongPoll_ReturnsNullAfterAcceptingTheResult()
    {
        await using var server = await CoordinatorServer.StartAsync(o => o.LongPollTimeout = TimeSpan.FromMilliseconds(300));
        using var client = server.CreateClient(Party.Value);
        await client.JoinAsync(null, CancellationToken.None).DefaultTimeout();
        var train = server.Channel.TrainAsync(Party, Models.TrainTask(1), CancellationToken.None);
        var task = await client.PullTaskAsync(CancellationToken.None).DefaultTimeout();

        var next = await client.PushTrainResultAsync(task!, Reply(2f), thenPull: true, CancellationToken.None).DefaultTimeout();

        Assert.Null(next);
        Assert.Equal(5, (await train.DefaultTimeout()).Update!.Examples);
    }

    [Fact]
    public async Task PushTrainResultAsync_ThenPullWithARefusedResult_AnswersTheRefusalWithoutWaiting()
    {
        // A long poll of ten minutes: had the refused call waited for a task, DefaultTimeout would fail the test.
        await using var server = await CoordinatorServer.StartAsync(o => o.LongPollTimeout = TimeSpan.FromMinutes(10));
        using var client = server.CreateClient(Party.Value);
        await client.JoinAsync(null, CancellationToken.None).DefaultTimeout();
        var train = server.Channel.TrainAsync(Party, Models.TrainTask(1), CancellationToken.None);
        var task = await client.PullTaskAsync(CancellationToken.None).DefaultTimeout();
        await client.PushTrainResultAsync(task!, Reply(1f), thenPull: false, CancellationToken.None).DefaultTimeout();

        var e = await Assert.ThrowsAsync<CoordinatorException>(() => client.PushTrainResultAsync(task!, Reply(3f), thenPull: true, CancellationToken.None)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Conflict, e.Status);
        Assert.All((await train.DefaultTimeout()).Update!.Delta.Values.ToArray(), v => Assert.Equal(1f, v));
    }

    private static PartyReply Reply(float value) => PartyReply.Success(new PartyUpdate(Party, Models.Filled(Models.Layout, value), 5, 0.1));
}
