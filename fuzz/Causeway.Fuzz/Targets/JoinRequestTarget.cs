using Causeway.Protocol;
using Causeway.Protocol.Wire;
using Google.Protobuf;
using V1 = Causeway.Protocol.V1;

namespace Causeway.Fuzz.Targets;

/// <summary>A Join body: the generated JoinRequest parser (<see cref="MessageParsing"/>, as the coordinator reads it), then the party's data description as the coordinator uses it (<see cref="JoinDescriptions"/>).</summary>
internal sealed class JoinRequestTarget : FuzzTarget
{
    public override string Name => "join-request";

    public override string Summary =>
        "MessageParsing.Parse(JoinRequest) + the data description path (ContractMapping.FromProto, RunSetup.Agree, DescribeMisfit); "
        + "refusals: MalformedMessageException, InvalidOperationException (Agree)";

    public override IEnumerable<FuzzSeed> Seeds()
    {
        foreach (var schema in new[] { "heart", "sentiment" })
        {
            var (schemaJson, statistics) = SeedMessages.Description(schema);
            var request = new V1.JoinRequest
            {
                PartyId = "p1",
                JoinToken = "token",
                ClientVersion = "1.0",
                Data = new V1.DataDescription { SchemaJson = schemaJson, StatisticsJson = SeedMessages.StatisticsJson(statistics) },
            };
            yield return new($"join-{schema}.bin", request.ToByteArray());
        }

        yield return new("join-without-data.bin", new V1.JoinRequest { PartyId = "p2", JoinToken = "token" }.ToByteArray());
    }

    protected override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        V1.JoinRequest request;
        try
        {
            request = MessageParsing.Parse(V1.JoinRequest.Parser, input);
        }
        catch (MalformedMessageException)
        {
            return FuzzOutcome.Refused;
        }

        return request.Data is { } data ? JoinDescriptions.Check(data) : FuzzOutcome.Accepted;
    }
}
