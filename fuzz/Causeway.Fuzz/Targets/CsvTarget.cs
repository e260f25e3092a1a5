using System.Text;
using Causeway.Core.Data;

namespace Causeway.Fuzz.Targets;

/// <summary>
/// A party's table file through <see cref="TableReader"/> and <see cref="FeatureStatistics.Compute"/> (what a party
/// computes before it joins). The first input byte picks the schema (<see cref="Schemas.Names"/>, modulo their count) and
/// whether the label may be left out (bit 7); the rest is the file's text.
/// </summary>
internal sealed class CsvTarget : FuzzTarget
{
    // Parsed on first use: under AFL, instrumented code must not run before SharpFuzz has mapped the coverage memory.
    private readonly Lazy<DataSchema[]> _schemas = new(() => [.. Schemas.Names.Select(n => DataSchema.Parse(Schemas.Text(n), $"{n}.schema.json"))]);

    public override string Name => "csv";

    public override string Summary =>
        "TableReader.Read (TextReader) with one of the sample schemas + FeatureStatistics.Compute; first byte: schema (mod 6), bit 7 label optional; refusals: DataFormatException";

    public override IReadOnlyList<string> Tokens => [",", "\t", "\"", "\"\"", "\r\n", "?", "NA", "NaN", "Infinity", "-1e309", "1e39", "<=50K", ">50K", "|", "#"];

    public override IEnumerable<FuzzSeed> Seeds() =>
        Schemas.Names.Select((name, i) => new FuzzSeed($"{name}.csv", [(byte)('0' + i), .. Encoding.UTF8.GetBytes(Schemas.SampleRows(name))]));

    protected override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return FuzzOutcome.Refused;
        }

        var schemas = _schemas.Value;
        var schema = schemas[(input[0] & 0x7F) % schemas.Length];
        var labels = (input[0] & 0x80) == 0 ? LabelPresence.Required : LabelPresence.Optional;
        using var reader = new StringReader(Encoding.UTF8.GetString(input[1..]));
        try
        {
            var table = TableReader.Read(reader, "fuzz.csv", schema, labels);
            _ = FeatureStatistics.Compute(table);
            return FuzzOutcome.Accepted;
        }
        catch (DataFormatException)
        {
            return FuzzOutcome.Refused;
        }
    }
}
