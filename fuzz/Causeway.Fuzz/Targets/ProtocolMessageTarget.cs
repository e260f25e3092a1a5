using Causeway.Protocol;
using Causeway.Protocol.Wire;
using Google.Protobuf;
using V1 = Causeway.Protocol.V1;

namespace Causeway.Fuzz.Targets;

/// <summary>A protection step or reply (secure.proto, vertical.proto, psi.proto) through the generated parser and <see cref="ProtocolMapping.FromProto(V1.ProtocolMessage)"/>.</summary>
internal sealed class ProtocolMessageTarget : FuzzTarget
{
    public override string Name => "protocol-message";

    public override string Summary =>
        "MessageParsing.Parse(ProtocolMessage) + ProtocolMapping.FromProto (secure aggregation, Paillier, vertical); refusals: MalformedMessageException";

    public override IEnumerable<FuzzSeed> Seeds() =>
        SeedMessages.ProtocolMessages().Select(m => new FuzzSeed($"{m.Name}.bin", m.Message.ToByteArray()));

    protected override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        try
        {
            _ = ProtocolMapping.FromProto(MessageParsing.Parse(V1.ProtocolMessage.Parser, input));
            return FuzzOutcome.Accepted;
        }
        catch (MalformedMessageException)
        {
            return FuzzOutcome.Refused;
        }
    }
}
