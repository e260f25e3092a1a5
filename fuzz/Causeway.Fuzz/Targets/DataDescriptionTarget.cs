using System.Text;
using V1 = Causeway.Protocol.V1;

namespace Causeway.Fuzz.Targets;

/// <summary>
/// A joining party's data description as text, so the fuzzer mutates the JSON itself rather than protobuf framing: the
/// input is the schema JSON, a NUL byte, then the statistics JSON. Checked as <see cref="JoinDescriptions"/> does.
/// </summary>
internal sealed class DataDescriptionTarget : FuzzTarget
{
    public override string Name => "data-description";

    public override string Summary =>
        "schema JSON \\0 statistics JSON -> ContractMapping.FromProto(DataDescription), RunSetup.Agree, DescribeMisfit; "
        + "refusals: MalformedMessageException, InvalidOperationException (Agree)";

    public override IReadOnlyList<string> Tokens =>
    [
        "\"Rows\"", "\"NumericColumns\"", "\"Counts\"", "\"Sums\"", "\"SumsOfSquares\"", "\"CategoricalColumns\"", "\"CategoryCounts\"",
        "\"HistogramColumns\"", "\"Histograms\"", "\"TextColumns\"", "\"DocumentFrequencies\"", "\"Limbs\"", "\"Counts\":[]", "null", "[]", "{}",
        "-1", "9223372036854775807", "1e308", "\"type\"", "\"label\"", "\"numeric\"", "\"categorical\"", "\"text\"", "\"bins\"", "\"range\"",
        "\"features\"", "\"classes\"", "\"categories\"", "\"window\"",
    ];

    public override IEnumerable<FuzzSeed> Seeds()
    {
        foreach (var schema in Schemas.Names)
        {
            var (schemaJson, statistics) = SeedMessages.Description(schema);
            yield return new($"{schema}.txt", Encoding.UTF8.GetBytes($"{schemaJson}\0{SeedMessages.StatisticsJson(statistics)}"));
        }
    }

    protected override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        var split = input.IndexOf((byte)0);
        var schema = split < 0 ? input : input[..split];
        var statistics = split < 0 ? [] : input[(split + 1)..];
        return JoinDescriptions.Check(new V1.DataDescription { SchemaJson = Encoding.UTF8.GetString(schema), StatisticsJson = Encoding.UTF8.GetString(statistics) });
    }
}
