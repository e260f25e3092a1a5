using System.Text.Json;
using Causeway.Core.Data;

namespace Causeway.Core.Tests.Data;

public sealed class FeatureStatisticsTests
{
    private static readonly DataSchema Schema = DataSchema.Parse(
        """
        {"format": {"missingValues": ["?"]},
         "columns": [{"name": "a", "type": "numeric"}, {"name": "c", "type": "categorical", "categories": ["x", "y"]},
                     {"name": "k", "type": "numeric"}, {"name": "t", "type": "label", "regression": true}],
         "missing": "impute-mean"}
        """,
        "s.json");

    [Fact]
    public void Compute_SmallTable_MatchesHandCalculation()
    {
        var table = TableReader.Read(new StringReader("a,c,k,t\n1,x,5,0\n2,?,5,0\n?,y,5,0\n3,x,5,0\n"), "t.csv", Schema);

        var statistics = FeatureStatistics.Compute(table);

        Assert.Equal(4, statistics.Rows);
        Assert.Equal(["a", "k"], statistics.NumericColumns);
        Assert.Equal([3L, 4L], statistics.Counts);
        Assert.Equal(6.0, statistics.Sums[0].Value);
        Assert.Equal(14.0, statistics.SumsOfSquares[0].Value);
        Assert.Equal(["c"], statistics.CategoricalColumns);
        Assert.Equal([2L, 1L], statistics.CategoryCounts[0]);
        Assert.Equal([2.0, 5.0], statistics.Means);
        Assert.Equal(Math.Sqrt(2.0 / 3.0), statistics.StandardDeviations[0], 15);
        Assert.Equal(1.0, statistics.StandardDeviations[1]);
    }

    [Fact]
    public void Merge_RandomPartsOfAwkwardValues_EqualsStatisticsOfWhole()
    {
        var random = new Random(1234);
        var lines = new List<string> { "a,c,k,t" };
        for (var r = 0; r < 2_000; r++)
        {
            // Mixed magnitudes make plain double summation depend on the order of the terms.
            var a = random.Next(4) switch
            {
                0 => "?",
                1 => (random.NextDouble() * 1e12).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                2 => (random.NextDouble() * 1e-6).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                _ => "0.1",
            };
            lines.Add($"{a},{(random.Next(3) == 0 ? "?" : random.Next(2) == 0 ? "x" : "y")},{random.Next(100) / 7.0:R},0");
        }

        var whole = TableReader.Read(new StringReader(string.Join('\n', lines)), "t.csv", Schema);
        var parts = Partitioner.QuantitySkew(whole.Rows, 13, 0.3, new Random(5));

        var merged = FeatureStatistics.Merge(parts.Select(p => FeatureStatistics.Compute(whole.Select(p))));
        var expected = FeatureStatistics.Compute(whole);

        Assert.Equal(expected, merged);
        Assert.Equal(expected.Means, merged.Means);
        Assert.Equal(expected.StandardDeviations, merged.StandardDeviations);
        Assert.Equal(expected.CategoryCounts[0], merged.CategoryCounts[0]);
    }

    [Fact]
    public void Merge_SinglePart_ReturnsEqualStatistics()
    {
        var table = TableReader.Read(new StringReader("a,c,k,t\n1,x,2,0\n"), "t.csv", Schema);
        var statistics = FeatureStatistics.Compute(table);

        Assert.Equal(statistics, FeatureStatistics.Merge([statistics]));
    }

    [Fact]
    public void Merge_DifferentColumns_Throws()
    {
        var table = TableReader.Read(new StringReader("a,c,k,t\n1,x,2,0\n"), "t.csv", Schema);
        var statistics = FeatureStatistics.Compute(table);
        var other = statistics with { NumericColumns = ["a", "z"] };

        var error = Assert.Throws<ArgumentException>(() => FeatureStatistics.Merge([statistics, other]));

        Assert.Contains("Part 1 does not match part 0: numeric columns [a, z] differ from [a, k]", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => FeatureStatistics.Merge([]));
    }

    [Fact]
    public void Serialize_JsonRoundTrip_PreservesEveryValue()
    {
        var table = TableReader.Read(new StringReader("a,c,k,t\n1e16,x,0.1,0\n1,y,0.2,0\n-1e16,?,0.3,0\n"), "t.csv", Schema);
        var statistics = FeatureStatistics.Compute(table);

        var json = JsonSerializer.Serialize(statistics);
        var back = JsonSerializer.Deserialize<FeatureStatistics>(json);

        Assert.Equal(statistics, back);
        Assert.Equal(1.0, back!.Sums[0].Value);
        Assert.DoesNotContain("Means", json, StringComparison.Ordinal);
    }

    [Fact]
    public void ExactSum_CancellingMagnitudes_IsExactAndOrderIndependent()
    {
        double[] values = [1e16, 1.0, -1e16, 0.1, 0.2, -0.3, 1e-20];
        var naive = 0.0;
        foreach (var v in values)
        {
            naive += v;
        }

        var forward = ExactSum.Of(values);
        var backward = ExactSum.Of([.. values.Reverse()]);
        var split = ExactSum.Sum([ExactSum.Of(values.AsSpan(0, 3)), ExactSum.Of(values.AsSpan(3))]);

        Assert.NotEqual(forward.Value, naive);
        Assert.Equal(forward.Value, backward.Value);
        Assert.Equal(forward.Value, split.Value);

        // The exact total is 1 plus about 2.8e-17 (0.1 + 0.2 - 0.3 in binary, plus 1e-20), which rounds to 1.
        Assert.Equal(1.0, forward.Value);
    }

    [Fact]
    public void ExactSum_UnorderedOverlappingPartials_StillExact()
    {
        var fromPeer = new ExactSum([1e16, 1.0, -1e16, 1.0]);

        Assert.Equal(2.0, fromPeer.Value);
    }

    [Fact]
    public void ExactSum_Empty_IsZero()
    {
        Assert.Equal(0.0, ExactSum.Zero.Value);
        Assert.Equal(0.0, ExactSum.Of([]).Value);
        Assert.Throws<ArgumentOutOfRangeException>(() => ExactSum.Of([double.NaN]));
    }
}
