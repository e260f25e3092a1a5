using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Causeway.Coordinator.Mailbox;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation;
using Causeway.Party;
using Causeway.Protocol;
using Google.Protobuf;
using V1 = Causeway.Protocol.V1;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// Bounded memory for pushed results over HTTP/2 (issue 9): one push at a time stores a task's result, and a finished
/// task does not keep its result alive for the rest of the run.
/// </summary>
public sealed class PushMemoryTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly PartyId Party = new("hospital-a");

    [Fact]
    public async Task Push_DuplicateWhileTheFirstIsStillArriving_Is409_AndTheFirstDecides()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var client = server.CreateClient(Party.Value);
        await client.JoinAsync(null, None).DefaultTimeout();
        var training = server.Channel.TrainAsync(Party, Models.TrainTask(1), None);
        var task = (await client.PullTaskAsync(None).DefaultTimeout())!;
        var body = Result(task, 2f).ToByteArray();
        var pending = server.Mailbox.Find(task.TaskId)!;

        // The first copy stops half-way, after its task id: the coordinator has claimed the task for it.
        var rest = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = client.PostRawAsync(CausewayProtocol.PushResultPath, new HalfThenRest(body, rest.Task), None);
        await WaitForAsync(() => pending.Receiving);
        var (duplicate, error) = await client.PostRawAsync(CausewayProtocol.PushResultPath, Protobuf(Result(task, 9f).ToByteArray()), None).DefaultTimeout();
        rest.SetResult();
        var (status, _) = await first.DefaultTimeout();

        Assert.Equal(HttpStatusCode.Conflict, duplicate);
        Assert.Equal("another result for this task is being received; this one is refused", V1.Error.Parser.ParseFrom(error).Message);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.All((await training.DefaultTimeout()).Update!.Delta.Values.ToArray(), v => Assert.Equal(2f, v));
        Assert.False(pending.Receiving);
    }

    [Fact]
    public async Task Push_AcceptedUpdates_AreNotKeptAliveByTheirFinishedTasks()
    {
        await using var server = await CoordinatorServer.StartAsync();
        using var client = server.CreateClient(Party.Value);
        await client.JoinAsync(null, None).DefaultTimeout();

        var first = await TrainOnceAsync(server, client, 1);
        var second = await TrainOnceAsync(server, client, 2);
        await TrainOnceAsync(server, client, 3);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        // The mailbox keeps finished tasks until their run ends (a late copy gets a precise answer), but not their
        // model-sized deltas: before, each task's completion held its accepted update for the rest of the run. (The
        // latest update may still be reachable from the request that carried it, so it is not asserted on.)
        Assert.Equal(PendingTaskState.Completed, server.Mailbox.Find(first.TaskId)!.State);
        Assert.Equal((false, false), (first.Delta.IsAlive, second.Delta.IsAlive));
    }

    // The delta the round engine received, by weak reference only once this returns.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<(WeakReference Delta, string TaskId)> TrainOnceAsync(CoordinatorServer server, PartyClient client, int round)
    {
        var training = server.Channel.TrainAsync(Party, Models.TrainTask(round), None);
        var task = (await client.PullTaskAsync(None).DefaultTimeout())!;
        await client.PushAsync(Result(task, 3f), thenPull: false, None).DefaultTimeout();
        var reply = await training.DefaultTimeout();
        Assert.Equal(3f, reply.Update!.Delta.Values[0]);
        return (new WeakReference(reply.Update.Delta), task.TaskId);
    }

    private static V1.PushResultRequest Result(ReceivedTask task, float value) => new()
    {
        TaskId = task.TaskId,
        RunId = task.Round.RunId,
        Round = task.Round.Round,
        Train = new V1.TrainResult { Delta = ParameterSetCodec.ToProto(Models.Filled(Models.Layout, value)), Examples = 5, TrainLoss = 0.5 },
    };

    private static ByteArrayContent Protobuf(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(CausewayProtocol.ContentType);
        return content;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(Infrastructure.TaskExtensions.DefaultTimeoutSpan);
        while (!condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }

    /// <summary>Sends the first half of a body at once and the rest when <c>rest</c> completes.</summary>
    private sealed class HalfThenRest : HttpContent
    {
        private readonly byte[] _body;
        private readonly Task _rest;

        public HalfThenRest(byte[] body, Task rest)
        {
            _body = body;
            _rest = rest;
            Headers.ContentType = new MediaTypeHeaderValue(CausewayProtocol.ContentType);
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var half = _body.Length / 2;
            await stream.WriteAsync(_body.AsMemory(0, half));
            await stream.FlushAsync();
            await _rest;
            await stream.WriteAsync(_body.AsMemory(half));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _body.Length;
            return true;
        }
    }
}
