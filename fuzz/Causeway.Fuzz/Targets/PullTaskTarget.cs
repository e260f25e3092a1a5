using Causeway.Protocol;
using Causeway.Protocol.Wire;
using Google.Protobuf;
using V1 = Causeway.Protocol.V1;

namespace Causeway.Fuzz.Targets;

/// <summary>
/// The party's PullTask answer: <see cref="PullTaskFrame.Parse"/>, then what the party builds from the frame (the
/// run setup, the protection step, the global model through <see cref="ParameterSetCodec.Decode(IReadOnlyList{RawTensor})"/>,
/// the training plan and the update privacy), each of which refuses with <see cref="MalformedMessageException"/>.
/// </summary>
internal sealed class PullTaskTarget : FuzzTarget
{
    public override string Name => "pull-task";

    public override string Summary =>
        "PullTaskFrame.Parse + the party's task decoding (setup, protection, ParameterSetCodec.Decode, plan, privacy); refusals: MalformedMessageException";

    public override IReadOnlyList<string> Tokens => ["task-1", "run-1", "w", "b", "multiclass", "binary", "\"inputs\"", "\"hidden\""];

    public override IEnumerable<FuzzSeed> Seeds()
    {
        var (schemaJson, statistics) = SeedMessages.Description("heart");
        var task = new V1.PartyTask
        {
            TaskId = "task-1",
            Kind = V1.TaskKind.Train,
            RunId = "run-1",
            Round = 2,
            TotalRounds = 10,
            Global = ParameterSetCodec.ToProto(SeedMessages.Parameters()),
            Plan = new V1.TrainingPlan { Epochs = 1, BatchSize = 32, LearningRate = 0.1f, Optimizer = V1.Optimizer.Adam, Momentum = 0.9f },
            Seed = 7,
            Setup = new V1.RunSetup
            {
                ModelJson = """{"task":"binary","inputs":20,"outputs":1,"hidden":[8],"dropout":0}""",
                SchemaJson = schemaJson,
                StatisticsJson = SeedMessages.StatisticsJson(statistics),
            },
            Privacy = new V1.UpdatePrivacy { ClipNorm = 1, NoiseStddev = 0.1 },
            SetupDigest = ByteString.CopyFrom(new byte[32]),
        };
        yield return new("train.bin", new V1.PullTaskResponse { Task = task }.ToByteArray());

        var evaluate = task.Clone();
        evaluate.Kind = V1.TaskKind.Evaluate;
        evaluate.Setup = null;
        evaluate.Plan = null;
        evaluate.Privacy = null;
        evaluate.SetupDigest = ByteString.Empty;
        yield return new("evaluate.bin", new V1.PullTaskResponse { Task = evaluate }.ToByteArray());

        foreach (var (name, message) in SeedMessages.ProtocolMessages().Where((_, i) => i % 3 == 0))
        {
            var step = new V1.PartyTask { TaskId = "task-2", Kind = V1.TaskKind.ProtocolStep, RunId = "run-1", Round = 2, Protection = message };
            yield return new($"step-{name}.bin", new V1.PullTaskResponse { Task = step }.ToByteArray());
        }

        yield return new("no-task.bin", new V1.PullTaskResponse().ToByteArray());
    }

    protected override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        try
        {
            var frame = PullTaskFrame.Parse(input.ToArray());
            if (!frame.HasTask)
            {
                return FuzzOutcome.Accepted;
            }

            _ = frame.Setup is { } setup ? ContractMapping.FromProto(setup) : null;
            _ = frame.Protection is { } protection ? ProtocolMapping.FromProto(protection) : null;
            if (frame.Kind == V1.TaskKind.ProtocolStep)
            {
                return frame.Protection is null ? FuzzOutcome.Refused : FuzzOutcome.Accepted;
            }

            _ = ParameterSetCodec.Decode(frame.Global);
            _ = frame.Plan is { } plan ? ContractMapping.FromProto(plan) : null;
            _ = frame.Privacy is { } privacy ? ContractMapping.FromProto(privacy) : null;
            return FuzzOutcome.Accepted;
        }
        catch (MalformedMessageException)
        {
            return FuzzOutcome.Refused;
        }
    }
}
