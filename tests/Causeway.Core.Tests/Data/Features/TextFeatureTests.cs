using Causeway.Core.Data;
using Causeway.Core.Serialization;

namespace Causeway.Core.Tests.Data.Features;

public sealed class TextFeatureTests
{
    private static DataSchema Schema(int features = 64, string weighting = "tfidf") => DataSchema.Parse(
        $$$"""
        {"format": {"delimiter": "\t", "quoted": false},
         "columns": [{"name": "site", "type": "id"},
                     {"name": "review", "type": "text", "features": {{{features}}}, "weighting": "{{{weighting}}}"},
                     {"name": "label", "type": "label", "classes": {"0": ["0"], "1": ["1"]}}],
         "missing": "impute-mean"}
        """,
        "text.json");

    private static readonly string[] Corpus =
    [
        "a\tGreat phone, great battery\t1",
        "a\tThe battery died after a day\t0",
        "b\tWorst movie ever\t0",
        "b\tA great movie, great cast\t1",
        "b\t\t0",
        "c\tFood was great\t1",
        "c\tService was slow and the food cold\t0",
    ];

    private static DataTable Read(DataSchema schema, IEnumerable<string> lines, string name = "t.tsv") =>
        TableReader.Read(new StringReader("site\treview\tlabel\n" + string.Join('\n', lines) + "\n"), name, schema);

    [Fact]
    public void Encode_TfIdfFromMergedFrequencies_EqualsPooledCorpus()
    {
        var schema = Schema();
        var parties = Corpus.GroupBy(l => l[0]).Select(g => Read(schema, g, $"{g.Key}.tsv")).ToList();
        var pooled = Read(schema, Corpus);

        var merged = FeatureStatistics.Merge(parties.Select(FeatureStatistics.Compute));
        var central = FeatureStatistics.Compute(pooled);

        Assert.Equal(central, merged);
        Assert.Equal(central.DocumentFrequencies[0], merged.DocumentFrequencies[0]);
        Assert.Equal(
            FeatureEncoder.Encode(pooled, schema, central).Features,
            parties.SelectMany(p => FeatureEncoder.Encode(p, schema, merged).Features));
    }

    [Fact]
    public void Encode_TwoDocuments_MatchesHandComputedTfIdf()
    {
        var schema = Schema(features: 1 << 20);
        var table = Read(schema, ["x\tgood good bad\t1", "x\tgood\t0"]);
        var statistics = FeatureStatistics.Compute(table);
        var (good, goodSign) = HashingVectorizer.Hash("good", 1 << 20);
        var (bad, badSign) = HashingVectorizer.Hash("bad", 1 << 20);
        Assert.NotEqual(good, bad);

        var data = FeatureEncoder.Encode(table, schema, statistics);

        // N = 2; df(good) = 2, df(bad) = 1; idf = ln(3 / (1 + df)) + 1; row 0 is (2 idf_good, 1 idf_bad), L2-normalised.
        Assert.Equal(2, statistics.DocumentFrequencies[0][good]);
        Assert.Equal(1, statistics.DocumentFrequencies[0][bad]);
        var idfGood = Math.Log(3.0 / 3.0) + 1.0;
        var idfBad = Math.Log(3.0 / 2.0) + 1.0;
        var norm = Math.Sqrt((4 * idfGood * idfGood) + (idfBad * idfBad));
        Assert.Equal((float)(goodSign * 2 * idfGood / norm), data.Row(0)[good]);
        Assert.Equal((float)(badSign * idfBad / norm), data.Row(0)[bad]);
        Assert.Equal(goodSign, data.Row(1)[good]);
        Assert.Equal(2, data.Row(0).ToArray().Count(v => v != 0));
    }

    [Fact]
    public void Encode_TermFrequency_IgnoresDocumentFrequencies()
    {
        var schema = Schema(weighting: "tf");
        var table = Read(schema, Corpus);

        var data = FeatureEncoder.Encode(table, schema, FeatureStatistics.Compute(table));

        var expected = new float[64];
        new HashingVectorizer(schema.Find("review")!.Text!).Transform("Worst movie ever", [], expected);
        Assert.Equal(expected, data.Row(2).ToArray());
        Assert.Equal(1.0, Math.Sqrt(expected.Sum(v => (double)v * v)), 6);
    }

    [Fact]
    public void Encode_MissingText_IsAllZero()
    {
        var schema = Schema();
        var table = Read(schema, Corpus);

        var data = FeatureEncoder.Encode(table, schema, FeatureStatistics.Compute(table));

        Assert.Equal(string.Empty, table.Text("review")[4]);
        Assert.All(data.Row(4).ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal(64, data.Columns);
        Assert.Equal("review#63", data.FeatureNames[^1]);
    }

    [Fact]
    public void Statistics_WithDocumentFrequencies_RoundTripThroughJson()
    {
        var schema = Schema();
        var statistics = FeatureStatistics.Compute(Read(schema, Corpus));

        var back = FeatureStatisticsJson.Deserialize(FeatureStatisticsJson.Serialize(statistics), "test");

        Assert.Equal(statistics, back);
        Assert.Null(FeatureEncoder.DescribeMismatch(schema, back));
    }

    [Theory]
    [InlineData("[null]", "a null array or a null entry")]
    [InlineData("[[1, -1]]", "negative counts or counts above the row count")]
    [InlineData("[[1, 3]]", "negative counts or counts above the row count")]
    public void Deserialize_BadDocumentFrequencies_Throws(string frequencies, string expected)
    {
        var json = $$$"""{"Rows":2,"NumericColumns":[],"Counts":[],"Sums":[],"SumsOfSquares":[],"CategoricalColumns":[],"CategoryCounts":[],"TextColumns":["review"],"DocumentFrequencies":{{{frequencies}}}}""";

        var error = Assert.Throws<InvalidDataException>(() => FeatureStatisticsJson.Deserialize(json, "party 'p''s join"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Statistics_WithoutDocumentFrequencies_DoNotFitATextSchema()
    {
        var schema = Schema();
        var statistics = FeatureStatistics.Compute(Read(schema, Corpus)) with { TextColumns = [], DocumentFrequencies = [] };

        Assert.Equal("text columns [], expected [review]", FeatureEncoder.DescribeMismatch(schema, statistics));
    }

    [Fact]
    public void Read_UnquotedFieldCountWrong_NamesTheLine()
    {
        var schema = Schema();

        var error = Assert.Throws<DataFormatException>(() => Read(schema, ["a\tfine sentence\t1", "a\tstray\ttab inside\t0"]));

        Assert.Equal(3, error.Line);
        Assert.Equal("t.tsv:3: expected 3 fields separated by '\\t', found 4.", error.Message);
    }

    [Fact]
    public void Read_QuotedTextWithUnterminatedQuote_NamesTheLine()
    {
        var schema = DataSchema.Parse(
            """{"columns": [{"name": "review", "type": "text", "features": 8}, {"name": "label", "type": "label", "classes": {"0": ["0"], "1": ["1"]}}]}""",
            "q.json");

        var error = Assert.Throws<DataFormatException>(
            () => TableReader.Read(new StringReader("review,label\n\"fine, really\",1\n\"never closed,0\n"), "q.csv", schema));

        Assert.Equal(3, error.Line);
        Assert.Contains("q.csv:3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingTextUnderReject_NamesLineAndColumn()
    {
        var schema = DataSchema.Parse(
            """{"format": {"delimiter": "\t"}, "columns": [{"name": "review", "type": "text"}, {"name": "label", "type": "label", "classes": {"0": ["0"], "1": ["1"]}}]}""",
            "r.json");

        var error = Assert.Throws<DataFormatException>(() => TableReader.Read(new StringReader("review\tlabel\nok\t1\n\t0\n"), "r.tsv", schema));

        Assert.Equal("r.tsv:3, column 'review': the value '' is missing and the column's missing-value policy is reject.", error.Message);
    }
}
