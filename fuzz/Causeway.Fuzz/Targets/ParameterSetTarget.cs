using Causeway.Protocol;
using Causeway.Protocol.Wire;
using Google.Protobuf;
using V1 = Causeway.Protocol.V1;

namespace Causeway.Fuzz.Targets;

/// <summary>
/// A <c>causeway.v1.ParameterSet</c> through the generated parser (<see cref="MessageParsing"/>) and <see cref="ParameterSetCodec"/>: decoded with the
/// layout the message states, and against a fixed expected layout.
/// </summary>
internal sealed class ParameterSetTarget : FuzzTarget
{
    public override string Name => "parameter-set";

    public override string Summary =>
        "MessageParsing.Parse(ParameterSet) + ParameterSetCodec.FromProto (own layout, expected layout); refusals: MalformedMessageException";

    public override IReadOnlyList<string> Tokens => ["w", "b"];

    public override IEnumerable<FuzzSeed> Seeds()
    {
        yield return new("two-tensors.bin", ParameterSetCodec.ToProto(SeedMessages.Parameters()).ToByteArray());
        var scalar = new V1.ParameterSet { Tensors = { new V1.Tensor { Name = "s", Data = ByteString.CopyFrom(BitConverter.GetBytes(1.5f)) } } };
        yield return new("scalar.bin", scalar.ToByteArray());
        yield return new("empty.bin", []);
    }

    protected override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        V1.ParameterSet message;
        try
        {
            message = MessageParsing.Parse(V1.ParameterSet.Parser, input);
        }
        catch (MalformedMessageException)
        {
            return FuzzOutcome.Refused;
        }

        var outcome = FuzzOutcome.Accepted;
        try
        {
            _ = ParameterSetCodec.FromProto(message);
        }
        catch (MalformedMessageException)
        {
            outcome = FuzzOutcome.Refused;
        }

        try
        {
            _ = ParameterSetCodec.FromProto(message, SeedMessages.Layout);
        }
        catch (MalformedMessageException)
        {
            outcome = FuzzOutcome.Refused;
        }

        return outcome;
    }
}
