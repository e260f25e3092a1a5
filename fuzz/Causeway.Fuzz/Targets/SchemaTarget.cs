using System.Text;
using Causeway.Core.Data;

namespace Causeway.Fuzz.Targets;

/// <summary>A schema file through <see cref="DataSchema.Parse"/>, then the model sizing every run does from it (<see cref="FeatureEncoder"/>).</summary>
internal sealed class SchemaTarget : FuzzTarget
{
    public override string Name => "schema";

    public override string Summary => "DataSchema.Parse + FeatureEncoder.FeatureCount/FeatureNames/OutputCount; refusals: DataFormatException";

    public override IReadOnlyList<string> Tokens =>
    [
        "\"format\"", "\"delimiter\"", "\"header\"", "\"quoted\"", "\"trimWhitespace\"", "\"skipLinesStartingWith\"", "\"missingValues\"",
        "\"columns\"", "\"name\"", "\"type\"", "\"numeric\"", "\"categorical\"", "\"label\"", "\"text\"", "\"id\"", "\"ignore\"", "\"timestamp\"",
        "\"categories\"", "\"classes\"", "\"regression\"", "\"unknown\"", "\"missing\"", "\"impute-mean\"", "\"impute-constant\"", "\"drop-row\"",
        "\"scale\"", "\"minmax\"", "\"range\"", "\"fill\"", "\"indicator\"", "\"bins\"", "\"count\"", "\"method\"", "\"quantile\"", "\"resolution\"",
        "\"features\"", "\"weighting\"", "\"tfidf\"", "\"stopWords\"", "\"window\"", "\"entity\"", "\"seconds\"", "\"aggregates\"", "\"slope\"",
        "null", "true", "[]", "{}", "-1", "0", "2147483648", "1e308", "NaN", "//", "/*",
    ];

    public override IEnumerable<FuzzSeed> Seeds() => Schemas.Names.Select(n => new FuzzSeed($"{n}.json", Encoding.UTF8.GetBytes(Schemas.Text(n))));

    protected override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        DataSchema schema;
        try
        {
            schema = DataSchema.Parse(Encoding.UTF8.GetString(input), "fuzz.schema.json");
        }
        catch (DataFormatException)
        {
            return FuzzOutcome.Refused;
        }

        _ = FeatureEncoder.FeatureCount(schema);
        _ = FeatureEncoder.FeatureNames(schema);
        _ = FeatureEncoder.OutputCount(schema);
        return FuzzOutcome.Accepted;
    }
}
