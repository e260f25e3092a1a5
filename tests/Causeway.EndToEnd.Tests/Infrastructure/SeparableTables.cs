using System.Globalization;
using System.Text;
using Causeway.Core.Data;
using Causeway.Federation;
using Causeway.Party;

namespace Causeway.EndToEnd.Tests.Infrastructure;

/// <summary>Small real tables for network tests: three numeric columns, label "yes" exactly when they sum to more than 0.</summary>
public static class SeparableTables
{
    public const string SchemaJson = """
        {
          "format": { "delimiter": ",", "header": true },
          "columns": [
            { "name": "x1", "type": "numeric" },
            { "name": "x2", "type": "numeric" },
            { "name": "x3", "type": "numeric" },
            { "name": "label", "type": "label", "classes": { "0": ["no"], "1": ["yes"] } }
          ]
        }
        """;

    public static DataSchema Schema { get; } = DataSchema.Parse(SchemaJson, "the test schema");

    /// <summary>The CSV text of <paramref name="rows"/> rows with features uniform in [-2, 2) + <paramref name="shift"/> (a covariate shift; the labelling rule is the same).</summary>
    public static string Csv(int seed, int rows, double shift = 0)
    {
        var random = new Random(seed);
        var text = new StringBuilder("x1,x2,x3,label\n");
        for (var r = 0; r < rows; r++)
        {
            var values = Enumerable.Range(0, 3).Select(_ => (random.NextDouble() * 4) - 2 + shift).ToArray();
            var label = values.Sum() > 0 ? "yes" : "no";
            text.Append(string.Join(',', values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))).Append(',').Append(label).Append('\n');
        }

        return text.ToString();
    }

    public static DataTable Table(int seed, int rows, double shift = 0) =>
        TableReader.Read(new StringReader(Csv(seed, rows, shift)), $"separable-{seed}.csv", Schema);

    /// <summary>A party holding <paramref name="rows"/> training rows and a quarter as many held-out rows.</summary>
    public static LocalDataHandler Party(string id, int seed, int rows = 200, double shift = 0) =>
        new(new PartyId(id), SchemaJson, Table(seed, rows, shift), Table(seed + 1000, rows / 4, shift));
}
