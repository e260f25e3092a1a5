using Causeway.Protocol;
using Causeway.Protocol.Wire;
using Google.Protobuf;
using V1 = Causeway.Protocol.V1;

namespace Causeway.Fuzz.Targets;

/// <summary>The coordinator's small request bodies, read by the generated parsers through <see cref="MessageParsing"/>: HeartbeatRequest and PullTaskRequest.</summary>
internal sealed class SmallRequestsTarget : FuzzTarget
{
    public override string Name => "small-requests";

    public override string Summary => "MessageParsing.Parse of HeartbeatRequest and PullTaskRequest (the coordinator's ReadSmallAsync); refusals: MalformedMessageException";

    public override IEnumerable<FuzzSeed> Seeds()
    {
        yield return new("heartbeat.bin", new V1.HeartbeatRequest { CurrentTaskId = "task-1" }.ToByteArray());
        yield return new("pull.bin", new V1.PullTaskRequest { SetupDigest = ByteString.CopyFrom(new byte[32]) }.ToByteArray());
    }

    protected override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        var outcome = FuzzOutcome.Accepted;
        try
        {
            _ = MessageParsing.Parse(V1.HeartbeatRequest.Parser, input);
        }
        catch (MalformedMessageException)
        {
            outcome = FuzzOutcome.Refused;
        }

        try
        {
            _ = MessageParsing.Parse(V1.PullTaskRequest.Parser, input);
        }
        catch (MalformedMessageException)
        {
            outcome = FuzzOutcome.Refused;
        }

        return outcome;
    }
}
