using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Federation;
using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal;
using Causeway.Protocol;
using V1 = Causeway.Protocol.V1;

namespace Causeway.Fuzz.Targets;

/// <summary>
/// What the coordinator does with a joining party's data description: <see cref="ContractMapping.FromProto(V1.DataDescription, string)"/>,
/// then, when a run starts, <see cref="RunSetup.Agree"/> (schema parse, statistics check, merge, model sizing) and, for a
/// party joining a running run, <see cref="RunSetup.DescribeMisfit"/>.
/// </summary>
internal static class JoinDescriptions
{
    private static readonly PartyId First = new("p1");
    private static readonly PartyId Second = new("p2");

    public static FuzzOutcome Check(V1.DataDescription message)
    {
        DataDescription description;
        try
        {
            description = ContractMapping.FromProto(message, "party 'p1''s data description");
        }
        catch (MalformedMessageException)
        {
            return FuzzOutcome.Refused;
        }

        RunSetup setup;
        try
        {
            // Two parties with the same description: the statistics are merged as well as checked.
            setup = RunSetup.Agree([(First, description), (Second, description)], ModelFor);
        }
        catch (InvalidOperationException)
        {
            return FuzzOutcome.Refused;
        }

        return setup.DescribeMisfit(description) is null ? FuzzOutcome.Accepted : FuzzOutcome.Refused;
    }

    // As the coordinator sizes a run's model (RunService): the default configuration, its refusal as InvalidOperationException.
    private static ModelSpec ModelFor(DataSchema schema)
    {
        try
        {
            return new RunConfig().ToModelSpec(FeatureEncoder.FeatureCount(schema), FeatureEncoder.OutputCount(schema), FeatureEncoder.TaskOf(schema));
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }
    }
}
