using System.Net;
using Causeway.Coordinator.Parties;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Party;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// Two processes with one party id (issue 9): the newer join replaces the live session, so a restarted party is back at
/// once; the replaced process stands by instead of crashing or taking turns, and the coordinator never holds two live
/// sessions for the id.
/// </summary>
public sealed class DuplicatePartyTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Calls_OfASessionAnotherProcessReplaced_AreRefusedSayingSo_AndAStandbyJoinIsRefusedWhileTheOtherLives()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var original = server.CreateClient("hospital-a");
        using var newer = server.CreateClient("hospital-a");
        await original.JoinAsync(null, None).DefaultTimeout();
        await newer.JoinAsync(null, None).DefaultTimeout();

        var heartbeat = await Assert.ThrowsAsync<CoordinatorException>(() => original.HeartbeatAsync(null, None)).DefaultTimeout();

        // Before, the 401 cleared the session, and the next call threw InvalidOperationException ("Join the federation
        // first."), which ended the party's process.
        var pull = await Assert.ThrowsAsync<CoordinatorException>(() => original.PullTaskAsync(None)).DefaultTimeout();
        var standby = await Assert.ThrowsAsync<CoordinatorException>(() => original.JoinAsync(null, standby: true, None)).DefaultTimeout();
        await newer.HeartbeatAsync(null, None).DefaultTimeout();

        Assert.Equal((HttpStatusCode.Unauthorized, true, false), (heartbeat.Status, heartbeat.SessionReplaced, heartbeat.SessionExpired));
        Assert.Contains("another process joined as party 'hospital-a' and replaced this session", heartbeat.Reason, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.Unauthorized, true), (pull.Status, pull.SessionReplaced));
        Assert.Equal((HttpStatusCode.Conflict, true), (standby.Status, standby.PartyIdInUse));
        Assert.Equal((false, true), (original.IsJoined, newer.IsJoined));
        Assert.Single(Registry(server).ActiveSessions(), s => s.Party.Value == "hospital-a");
    }

    [Fact]
    public async Task LongPoll_OfASessionThatIsReplaced_IsRefusedAtOnce_AndTheTaskGoesToTheNewSession()
    {
        await using var server = await CoordinatorServer.StartAsync(o => o.LongPollTimeout = TimeSpan.FromMinutes(5));
        var party = new PartyId("hospital-a");
        using var original = server.CreateClient(party.Value);
        using var newer = server.CreateClient(party.Value);
        await original.JoinAsync(null, None).DefaultTimeout();
        var parked = original.PullTaskAsync(None);
        await server.WaitUntilPollingAsync(party.Value).DefaultTimeout();

        await newer.JoinAsync(null, None).DefaultTimeout();
        var refused = await Assert.ThrowsAsync<CoordinatorException>(() => parked).DefaultTimeout();
        var training = server.Channel.TrainAsync(party, Models.TrainTask(1), None);
        var task = await newer.PullTaskAsync(None).DefaultTimeout();

        Assert.True(refused.SessionReplaced);
        Assert.Equal(1, task!.Train!.Round.Round);
        await newer.PushTrainResultAsync(task, PartyReply.Success(new PartyUpdate(party, Models.Filled(Models.Layout, 2f), 5, 0.1)), thenPull: false, None)
            .DefaultTimeout();
        Assert.All((await training.DefaultTimeout()).Update!.Delta.Values.ToArray(), v => Assert.Equal(2f, v));
    }

    [Fact]
    public async Task TaskTakenByASessionThatIsReplaced_GoesToTheNewSession_WhoseResultCompletesIt_TheOldPushIsRefused()
    {
        // A party killed mid-task and restarted: its old session took the task and will never answer.
        await using var server = await CoordinatorServer.StartAsync();
        var party = new PartyId("hospital-a");
        using var killed = server.CreateClient(party.Value);
        using var restarted = server.CreateClient(party.Value);
        await killed.JoinAsync(null, None).DefaultTimeout();
        var training = server.Channel.TrainAsync(party, Models.TrainTask(1), None);
        var taken = await killed.PullTaskAsync(None).DefaultTimeout();

        await restarted.JoinAsync(null, None).DefaultTimeout();
        var again = await restarted.PullTaskAsync(None).DefaultTimeout();
        var late = await Assert.ThrowsAsync<CoordinatorException>(() => killed.PushTrainResultAsync(
            taken!, PartyReply.Success(new PartyUpdate(party, Models.Filled(Models.Layout, 9f), 5, 0.1)), thenPull: false, None)).DefaultTimeout();
        await restarted.PushTrainResultAsync(again!, PartyReply.Success(new PartyUpdate(party, Models.Filled(Models.Layout, 2f), 5, 0.1)), thenPull: false, None)
            .DefaultTimeout();

        Assert.Equal(taken!.TaskId, again!.TaskId);
        Assert.True(late.SessionReplaced);
        var reply = await training.DefaultTimeout();
        Assert.Null(reply.Failure);
        Assert.All(reply.Update!.Delta.Values.ToArray(), v => Assert.Equal(2f, v));
    }

    [Fact]
    public async Task TwoPartyHostsWithOneId_BothKeepRunning_TheNewerTrains_TheOlderStandsByAndTakesTheIdBackWhenItIsFree()
    {
        var coordinatorLogs = new CapturedLogs();
        await using var server = await CoordinatorServer.StartAsync(
            o =>
            {
                o.HeartbeatInterval = TimeSpan.FromMilliseconds(500);
                o.HeartbeatTimeout = TimeSpan.FromSeconds(3);
            },
            services: s => s.AddSingleton<ILoggerProvider>(coordinatorLogs));
        var party = new PartyId("hospital-a");
        var options = server.PartyOptions(party.Value);
        options.StandbyInterval = TimeSpan.FromMilliseconds(100);
        var originalLogs = new CapturedLogs();
        using var originalFactory = LoggerFactory.Create(b => b.AddProvider(originalLogs).SetMinimumLevel(LogLevel.Trace));
        using var newerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace));
        using var stopOriginal = new CancellationTokenSource();
        using var stopNewer = new CancellationTokenSource();
        using var originalClient = new PartyClient(options);
        using var newerClient = new PartyClient(options);
        var originalHandler = new ConstantDeltaHandler(party, 1f);
        var newerHandler = new ConstantDeltaHandler(party, 2f);

        var original = new PartyHost(originalClient, originalHandler, options, originalFactory.CreateLogger<PartyHost>()).RunAsync(stopOriginal.Token);
        await server.WaitUntilPollingAsync(party.Value).DefaultTimeout();
        var newer = new PartyHost(newerClient, newerHandler, options, newerFactory.CreateLogger<PartyHost>()).RunAsync(stopNewer.Token);
        await WaitForAsync(() => originalLogs.Text.Contains("replaced this one's session", StringComparison.Ordinal));
        var fromNewer = await server.Channel.TrainAsync(party, Models.TrainTask(1), None).DefaultTimeout();

        // Both processes run; only the newer one holds a session and receives tasks.
        Assert.Equal((false, false), (original.IsCompleted, newer.IsCompleted));
        Assert.All(fromNewer.Update!.Delta.Values.ToArray(), v => Assert.Equal(2f, v));
        Assert.Equal((0, 1), (originalHandler.Trained, newerHandler.Trained));
        Assert.Single(Registry(server).ActiveSessions(), s => s.Party == party);
        Assert.Contains(
            "Warning Causeway.Party.PartyHost: Another process joined as party hospital-a and replaced this one's session. "
                + "Two running processes with one party id is a misconfiguration: stop one of them.",
            originalLogs.Text,
            StringComparison.Ordinal);
        Assert.Contains("Party hospital-a joined while its previous session was live", coordinatorLogs.Text, StringComparison.Ordinal);

        // The newer process stops; once its session has expired, the one standing by takes the id back and trains.
        await stopNewer.CancelAsync();
        await newer.DefaultTimeout();
        await WaitForAsync(() => originalLogs.Text.Contains("Party id hospital-a is free again", StringComparison.Ordinal));
        await server.WaitUntilPollingAsync(party.Value).DefaultTimeout();
        var fromOriginal = await server.Channel.TrainAsync(party, Models.TrainTask(2), None).DefaultTimeout();

        Assert.False(original.IsCompleted);
        Assert.All(fromOriginal.Update!.Delta.Values.ToArray(), v => Assert.Equal(1f, v));
        await stopOriginal.CancelAsync();
        await original.DefaultTimeout();
    }

    private static PartyRegistry Registry(CoordinatorServer server) => server.Services.GetRequiredService<PartyRegistry>();

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(Infrastructure.TaskExtensions.DefaultTimeoutSpan);
        while (!condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
