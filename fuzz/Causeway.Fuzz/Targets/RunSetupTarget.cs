using System.Text;
using Causeway.Core.Serialization;
using Causeway.Federation.Horizontal;

namespace Causeway.Fuzz.Targets;

/// <summary>A stored run setup through <see cref="RunSetup.Parse"/> (a resumed run and the statistics release read it so).</summary>
internal sealed class RunSetupTarget : FuzzTarget
{
    public override string Name => "run-setup";

    public override string Summary => "RunSetup.Parse; refusals: InvalidDataException";

    public override IReadOnlyList<string> Tokens => ["\"model\"", "\"schema\"", "\"statistics\"", "\"task\"", "\"inputs\"", "\"outputs\"", "\"hidden\"", "\"dropout\"", "null", "[]", "{}"];

    public override IEnumerable<FuzzSeed> Seeds()
    {
        foreach (var name in new[] { "heart", "features" })
        {
            var (schemaJson, statistics) = SeedMessages.Description(name);
            var model = ModelSpecJson.Deserialize("""{"task":"binary","inputs":20,"outputs":1,"hidden":[8],"dropout":0.1}""");
            yield return new($"{name}.json", Encoding.UTF8.GetBytes(new RunSetup(model, schemaJson, statistics).ToJson()));
        }
    }

    protected override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        try
        {
            _ = RunSetup.Parse(Encoding.UTF8.GetString(input), "fuzz setup");
            return FuzzOutcome.Accepted;
        }
        catch (InvalidDataException)
        {
            return FuzzOutcome.Refused;
        }
    }
}
