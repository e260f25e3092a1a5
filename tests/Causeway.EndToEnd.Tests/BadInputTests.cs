using System.Net;
using Causeway.Core.Tensors;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Party;
using Causeway.Protocol;
using Google.Protobuf;
using V1 = Causeway.Protocol.V1;

namespace Causeway.EndToEnd.Tests;

/// <summary>Each bad input gets its status and Error message, and the mailbox keeps working afterwards.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private static readonly PartyId Party = new("hospital-a");
    private CoordinatorServer _server = null!;
    private PartyClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await CoordinatorServer.StartAsync(o => o.MaxMessageBytes = 8 * 1024);
        _client = _server.CreateClient(Party.Value);
        await _client.JoinAsync(null, CancellationToken.None).DefaultTimeout();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Push_MalformedProtobuf_Is400_AndTheTaskStaysOpen(bool streamed)
    {
        var (train, task) = await StartTaskAsync(1);

        var (status, error) = await PostAsync([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], streamed ? task.TaskId : null);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("malformed PushResultRequest", error, StringComparison.Ordinal);

        // A later valid result for the same task is still accepted.
        await _client.PushTrainResultAsync(task, Reply(0.5f), thenPull: false, CancellationToken.None).DefaultTimeout();
        Assert.All((await train.DefaultTimeout()).Update!.Delta.Values.ToArray(), v => Assert.Equal(0.5f, v));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Push_TruncatedMessage_Is400(bool streamed)
    {
        var (train, task) = await StartTaskAsync(1);
        var bytes = Result(task, Models.Filled(Models.Layout, 1f)).ToByteArray();

        var (status, error) = await PostAsync(bytes[..^3], streamed ? task.TaskId : null);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("truncated", error, StringComparison.Ordinal);
        await AssertStillWorksAsync(train, task);
    }

    public static TheoryData<string, string, bool> InvalidDeltas
    {
        get
        {
            var data = new TheoryData<string, string, bool>();
            foreach (var streamed in new[] { false, true })
            {
                data.Add("wrong-name", "expected 'layer0.weight'", streamed);
                data.Add("wrong-shape", "expected shape [1x3]", streamed);
                data.Add("missing-tensor", "Expected 2 tensors", streamed);
                data.Add("extra-tensor", "Expected 2 tensors", streamed);
                data.Add("nan", "NaN or infinite", streamed);
                data.Add("infinity", "NaN or infinite", streamed);
                data.Add("nan-loss", "the train loss is not finite", streamed);
                data.Add("zero-examples", "examples must be between 1", streamed);
                data.Add("negative-train-seconds", "train_seconds must be finite and non-negative", streamed);
                data.Add("nan-train-seconds", "train_seconds must be finite and non-negative", streamed);
            }

            return data;
        }
    }

    /// <summary>streamed: the request announces its task in the header, so the coordinator decodes from the stream.</summary>
    [Theory]
    [MemberData(nameof(InvalidDeltas))]
    public async Task Push_InvalidDelta_Is400_TheUpdateIsRejected_AndTheNextRoundWorks(string kind, string expected, bool streamed)
    {
        var (train, task) = await StartTaskAsync(1);
        var request = kind switch
        {
            "wrong-name" => Result(task, Models.Filled(new ParameterLayout([new TensorSpec("layer9.weight", [1, 3]), new TensorSpec("layer0.bias", [1])]), 1f)),
            "wrong-shape" => Result(task, Models.Filled(new ParameterLayout([new TensorSpec("layer0.weight", [3, 1]), new TensorSpec("layer0.bias", [1])]), 1f)),
            "missing-tensor" => Result(task, Models.Filled(new ParameterLayout([new TensorSpec("layer0.weight", [1, 3])]), 1f)),
            "extra-tensor" => Result(task, Models.Filled(new ParameterLayout([.. Models.Layout.Tensors, new TensorSpec("layer1.bias", [1])]), 1f)),
            "nan" => Result(task, WithValue(float.NaN)),
            "infinity" => Result(task, WithValue(float.NegativeInfinity)),
            "negative-train-seconds" => Result(task, Models.Filled(Models.Layout, 1f), trainSeconds: -1),
            "nan-train-seconds" => Result(task, Models.Filled(Models.Layout, 1f), trainSeconds: double.NaN),
            "nan-loss" => Result(task, Models.Filled(Models.Layout, 1f), trainLoss: double.NaN),
            _ => Result(task, Models.Filled(Models.Layout, 1f), examples: 0),
        };

        var (status, error) = await PostAsync(request.ToByteArray(), streamed ? task.TaskId : null);
        var reply = await train.DefaultTimeout();

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        // NaN or infinity is a rejected update the divergence rule counts (a round whose every update is one diverged).
        Assert.Equal(kind is "nan" or "infinity" or "nan-loss" ? FailureKind.NonFinite : FailureKind.Rejected, reply.Failure!.Kind);
        Assert.Contains(expected, reply.Failure.Reason, StringComparison.Ordinal);
        await AssertNextRoundWorksAsync(2);
    }

    [Fact]
    public async Task Push_FullDeltaInARunWithAFrozenLayer_Is400NamingTheSharedLayers_AndTheTrimmedOneIsExpandedWithZeros()
    {
        // Two layers (3 → 2 → 1), the first frozen: the party sends layer 1 only.
        var layout = new ParameterLayout(
            [new TensorSpec("layer0.weight", [2, 3]), new TensorSpec("layer0.bias", [2]), new TensorSpec("layer1.weight", [1, 2]), new TensorSpec("layer1.bias", [1])]);
        var plan = new Causeway.Core.Training.TrainingPlan { FrozenLayers = 1 };
        async Task<(Task<PartyReply> Train, ReceivedTask Task)> StartAsync(int round)
        {
            var train = _server.Channel.TrainAsync(Party, new TrainTask(new RoundInfo("run-test", round, 3), Models.Filled(layout, 0f), plan, 1), CancellationToken.None);
            return (train, (await _client.PullTaskAsync(CancellationToken.None).DefaultTimeout())!);
        }

        var (refused, task) = await StartAsync(1);
        var (status, error) = await PostAsync(Result(task, Models.Filled(layout, 1f)).ToByteArray(), task.TaskId);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("a delta holds the shared layers only (layer1.weight", error, StringComparison.Ordinal);
        Assert.Equal(FailureKind.Rejected, (await refused.DefaultTimeout()).Failure!.Kind);

        // The client trims a full update to the shared layers; the coordinator puts it back with zeros for layer 0.
        var (train, next) = await StartAsync(2);
        await _client.PushTrainResultAsync(next, PartyReply.Success(new PartyUpdate(Party, Models.Filled(layout, 0.5f), 5, 0.1)), thenPull: false, CancellationToken.None).DefaultTimeout();
        var delta = (await train.DefaultTimeout()).Update!.Delta;
        Assert.Equal(layout, delta.Layout);
        Assert.Equal([0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0.5f, 0.5f, 0.5f], delta.Values.ToArray());
    }

    [Fact]
    public async Task Push_Oversize_Is413_AndTheTaskStaysOpen()
    {
        var (train, task) = await StartTaskAsync(1);

        var (status, error) = await PostAsync(new byte[9 * 1024]);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("8192-byte limit", error, StringComparison.Ordinal);
        await AssertStillWorksAsync(train, task);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Push_OversizeWithoutContentLength_Is413WhileReading(bool streamed)
    {
        var (train, task) = await StartTaskAsync(1);

        // A valid message whose unknown field makes it too large: the streamed reader must count every byte.
        var oversize = Result(task, Models.Filled(Models.Layout, 1f)).ToByteArray().Concat(new byte[] { 0x7A, 0x80, 0x48 }).Concat(new byte[9216]).ToArray();
        var content = new StreamContent(new UnseekableStream(oversize));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(CausewayProtocol.ContentType);

        var (status, bytes) = await _client.PostRawAsync(CausewayProtocol.PushResultPath, content, streamed ? task.TaskId : null, CancellationToken.None).DefaultTimeout();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("8192-byte limit", V1.Error.Parser.ParseFrom(bytes).Message, StringComparison.Ordinal);
        await AssertStillWorksAsync(train, task);
    }

    [Fact]
    public async Task Push_Duplicate_Is409()
    {
        var (train, task) = await StartTaskAsync(1);
        await _client.PushTrainResultAsync(task, Reply(1f), thenPull: false, CancellationToken.None).DefaultTimeout();
        await train.DefaultTimeout();

        var e = await Assert.ThrowsAsync<CoordinatorException>(() => _client.PushTrainResultAsync(task, Reply(1f), thenPull: false, CancellationToken.None)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Conflict, e.Status);
        Assert.Contains("duplicate", e.Reason, StringComparison.Ordinal);
        await AssertNextRoundWorksAsync(2);
    }

    [Fact]
    public async Task Push_AfterTheRoundClosed_Is409RoundClosed()
    {
        using var deadline = new CancellationTokenSource();
        var train = _server.Channel.TrainAsync(Party, Models.TrainTask(4), deadline.Token);
        var task = (await _client.PullTaskAsync(CancellationToken.None).DefaultTimeout())!;
        await deadline.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => train).DefaultTimeout();

        var e = await Assert.ThrowsAsync<CoordinatorException>(() => _client.PushTrainResultAsync(task, Reply(1f), thenPull: false, CancellationToken.None)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Conflict, e.Status);
        Assert.Equal("round 4 closed", e.Reason);
        await AssertNextRoundWorksAsync(5);
    }

    [Fact]
    public async Task Push_UnknownTask_Is404_AnotherPartysTask_Is403()
    {
        using var other = _server.CreateClient("hospital-b");
        await other.JoinAsync(null, CancellationToken.None).DefaultTimeout();
        var (train, task) = await StartTaskAsync(1);

        var unknown = await Assert.ThrowsAsync<CoordinatorException>(() =>
            _client.PushTrainResultAsync(task with { TaskId = "no-such-task" }, Reply(1f), thenPull: false, CancellationToken.None)).DefaultTimeout();
        var stolen = await Assert.ThrowsAsync<CoordinatorException>(() =>
            other.PushTrainResultAsync(task, Reply(1f), thenPull: false, CancellationToken.None)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal(HttpStatusCode.Forbidden, stolen.Status);
        await AssertStillWorksAsync(train, task);
    }

    [Fact]
    public async Task Push_WrongContentType_Is415()
    {
        var content = new ByteArrayContent([1, 2, 3]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        var (status, _) = await _client.PostRawAsync(CausewayProtocol.PushResultPath, content, CancellationToken.None).DefaultTimeout();

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
    }

    private async Task<(Task<PartyReply> Train, ReceivedTask Task)> StartTaskAsync(int round)
    {
        var train = _server.Channel.TrainAsync(Party, Models.TrainTask(round), CancellationToken.None);
        var task = await _client.PullTaskAsync(CancellationToken.None).DefaultTimeout();
        Assert.NotNull(task);
        return (train, task);
    }

    private async Task AssertStillWorksAsync(Task<PartyReply> train, ReceivedTask task)
    {
        await _client.PushTrainResultAsync(task, Reply(0.5f), thenPull: false, CancellationToken.None).DefaultTimeout();
        Assert.Equal(0.5f, (await train.DefaultTimeout()).Update!.Delta.Values[0]);
    }

    private async Task AssertNextRoundWorksAsync(int round)
    {
        var (train, task) = await StartTaskAsync(round);
        await AssertStillWorksAsync(train, task);
    }

    private async Task<(HttpStatusCode Status, string Error)> PostAsync(byte[] body, string? announcedTask = null)
    {
        var (status, bytes) = await _client.PostRawAsync(CausewayProtocol.PushResultPath, JoinTests.Protobuf(body), announcedTask, CancellationToken.None).DefaultTimeout();
        var error = V1.Error.Parser.ParseFrom(bytes);
        Assert.Equal((int)status, error.Code);
        return (status, error.Message);
    }

    private static PartyReply Reply(float value) => PartyReply.Success(new PartyUpdate(Party, Models.Filled(Models.Layout, value), 5, 0.1));

    private static ParameterSet WithValue(float value)
    {
        var set = Models.Filled(Models.Layout, 1f);
        set.Values[2] = value;
        return set;
    }

    private static V1.PushResultRequest Result(ReceivedTask task, ParameterSet delta, long examples = 5, double trainSeconds = 0.5, double trainLoss = 0.1) => new()
    {
        TaskId = task.TaskId,
        RunId = task.Round.RunId,
        Round = task.Round.Round,
        Train = new V1.TrainResult { Delta = ParameterSetCodec.ToProto(delta), Examples = examples, TrainLoss = trainLoss, TrainSeconds = trainSeconds },
    };

    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
