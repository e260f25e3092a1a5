using Causeway.Core.Tensors;
using Causeway.Protocol;
using Causeway.Protocol.Wire;
using Google.Protobuf;
using V1 = Causeway.Protocol.V1;

namespace Causeway.Fuzz.Targets;

/// <summary>
/// The coordinator's PushResult body: <see cref="PushResult.ReadAsync"/> over the bytes, with an expectation for one task
/// id that stores every kind of result (a delta of a layout, a protected update, a step reply: the coordinator expects
/// one of them per task, the fuzzer all, so that every path parses), then the decoding the coordinator does next (delta,
/// evaluation, the protected update or step reply through <see cref="ProtocolMapping"/>).
/// </summary>
internal sealed class PushResultTarget : FuzzTarget
{
    // Small enough that the bound is reached by fuzzed length fields, large enough for every seed.
    private const long MaxBodyBytes = 1 << 20;

    public override string Name => "push-result";

    public override string Summary =>
        "PushResult.ReadAsync (MemoryStream, every result kind expected for task-1, a delta of any layout for task-any) + the coordinator's decoding; refusals: MalformedMessageException, MessageTooLargeException";

    public override IReadOnlyList<string> Tokens => [SeedMessages.TrainTaskId, AnyLayoutTaskId, "run-1", "w", "b", "\u0001\u0002"];

    // A recommendation task: its delta (a sparse item update) is stored in whatever layout it comes.
    private const string AnyLayoutTaskId = "task-any";

    public override IEnumerable<FuzzSeed> Seeds()
    {
        var delta = ParameterSetCodec.ToProto(SeedMessages.Parameters());
        V1.PushResultRequest Request() => new() { TaskId = SeedMessages.TrainTaskId, RunId = "run-1", Round = 3 };

        var train = Request();
        train.Train = new V1.TrainResult { Delta = delta, Examples = 120, TrainLoss = 0.42, TrainSeconds = 1.5, WithinClip = true };
        yield return new("train.bin", train.ToByteArray());

        var thenPull = train.Clone();
        thenPull.ThenPull = new V1.PullTaskRequest { SetupDigest = ByteString.CopyFrom([1, 2, 3, 4]) };
        yield return new("train-then-pull.bin", thenPull.ToByteArray());

        var anyLayout = train.Clone();
        anyLayout.TaskId = AnyLayoutTaskId;
        yield return new("train-any-layout.bin", anyLayout.ToByteArray());

        var unknown = train.Clone();
        unknown.TaskId = "task-9";
        yield return new("train-unknown-task.bin", unknown.ToByteArray());

        var evaluation = Request();
        evaluation.Evaluation = new V1.EvaluationResult { Examples = 50, Loss = 0.3, Accuracy = 0.9, RocAuc = 0.8, F1 = 0.7 };
        yield return new("evaluation.bin", evaluation.ToByteArray());

        var failure = Request();
        failure.Failure = new V1.FailureReport { Reason = "out of memory" };
        yield return new("failure.bin", failure.ToByteArray());

        var protectedUpdate = Request();
        protectedUpdate.Train = new V1.TrainResult
        {
            Examples = 10, TrainLoss = 0.5, ProtectedUpdate = SeedMessages.ProtocolMessages().First(m => m.Name == "secagg-masked").Message,
        };
        yield return new("train-protected.bin", protectedUpdate.ToByteArray());

        foreach (var (name, message) in SeedMessages.ProtocolMessages().Where((_, i) => i % 4 == 0))
        {
            var step = Request();
            step.StepReply = message;
            yield return new($"step-reply-{name}.bin", step.ToByteArray());
        }
    }

    protected override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        using var body = new MemoryStream(input.ToArray(), writable: false);
        PushResult result;
        try
        {
            // A MemoryStream completes every read at once, so the parse runs synchronously on this thread.
            result = PushResult.ReadAsync(body, ExpectationFor, MaxBodyBytes, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is MalformedMessageException or MessageTooLargeException)
        {
            return FuzzOutcome.Refused;
        }

        try
        {
            _ = result.Delta?.AllFinite();
            _ = result.Evaluation is { } evaluation ? ContractMapping.FromProto(evaluation) : null;
            _ = result.StepReply is { } reply ? ProtocolMapping.FromProto(reply) : null;
            _ = result.ProtectedUpdate is { } update ? ProtocolMapping.FromProto(update) : null;
        }
        catch (MalformedMessageException)
        {
            return FuzzOutcome.Refused;
        }

        return result.DeltaError is null ? FuzzOutcome.Accepted : FuzzOutcome.Refused;
    }

    private static ResultExpectation ExpectationFor(string taskId) => taskId switch
    {
        SeedMessages.TrainTaskId => new ResultExpectation { Delta = SeedMessages.Layout, ProtectedUpdate = true, StepReply = true },
        AnyLayoutTaskId => new ResultExpectation { AnyLayout = true },
        _ => ResultExpectation.Nothing,
    };
}
