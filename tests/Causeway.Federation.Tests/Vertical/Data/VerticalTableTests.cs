using Causeway.Core.Data;
using Causeway.Federation.Vertical.Data;
using Causeway.Privacy.Psi;

namespace Causeway.Federation.Tests.Vertical.Data;

public sealed class VerticalTableTests : IDisposable
{
    private const string Format = "\"format\": {\"delimiter\": \",\", \"header\": true}, \"missing\": \"impute-mean\",";
    private const string GuestSchema = $$$"""
        { {{{Format}}} "columns": [
            {"name": "id", "type": "id"},
            {"name": "colour", "type": "categorical", "categories": ["red", "blue"]},
            {"name": "size", "type": "numeric"},
            {"name": "y", "type": "label", "classes": {"0": ["no"], "1": ["yes"]}} ] }
        """;

    private const string HostSchema = $$"""{ {{Format}} "columns": [ {"name": "id", "type": "id"}, {"name": "spend", "type": "numeric"} ] }""";
    private const string GuestRows = "id,colour,size,y\nc3,red,1,yes\na1,blue,2,no\nb2,red,3,yes\n";

    // (x − mean) / population std of 1, 2, 3.
    private static readonly float Step = (float)(1 / Math.Sqrt(2.0 / 3));

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("causeway-vertical-table-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void Load_GuestTable_ReadsIdsLabelsAndFeaturesInFileOrder()
    {
        var table = Load(GuestRows, GuestSchema);

        Assert.Equal(["c3", "a1", "b2"], table.Ids);
        Assert.Equal(3, table.Rows);
        Assert.Equal(0, table.Duplicates);
        Assert.Equal(["colour=red", "colour=blue", "size"], table.Features.FeatureNames);
        Assert.Equal([1f, 0f, -Step, 0f, 1f, 0f, 1f, 0f, Step], table.Features.Features, Tolerance);
        Assert.Equal([1f, 0f, 1f], table.Labels!);
    }

    [Fact]
    public void Load_HostSchemaWithoutLabel_HasNoLabelsAndStandardisesOnItsOwnRows()
    {
        var table = Load("id,spend\nb2,10\nc3,20\nd4,30\n", HostSchema);

        Assert.Null(table.Labels);
        Assert.Equal(["b2", "c3", "d4"], table.Ids);
        Assert.Equal(["spend"], table.Features.FeatureNames);
        Assert.Equal([-Step, 0f, Step], table.Features.Features, Tolerance);
    }

    [Fact]
    public void Load_RepeatedIds_KeepsTheFirstRowOfEachAndCountsTheRest()
    {
        // With case folding "A1" is "a1" again, as in PSI; statistics cover the kept rows only (sizes 1 and 3).
        var table = Load("id,spend\na1,1\nb2,3\na1,100\n A1 ,200\n", HostSchema, new PsiIdOptions(CaseFold: true));

        Assert.Equal(["a1", "b2"], table.Ids);
        Assert.Equal(2, table.Duplicates);
        Assert.Equal([-1f, 1f], table.Features.Features, Tolerance);
    }

    [Fact]
    public void Load_SchemaWithoutIdColumn_ThrowsNamingTheSchemaFile()
    {
        var schema = $$"""{ {{Format}} "columns": [ {"name": "spend", "type": "numeric"} ] }""";

        var error = Assert.Throws<VerticalDataException>(() => Load("spend\n1\n", schema));

        Assert.Contains(Path.Combine(_directory.FullName, "table.schema.json"), error.Message, StringComparison.Ordinal);
        Assert.Contains("no \"id\" column", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SchemaWithTwoIdColumns_ThrowsNamingBoth()
    {
        var schema = $$"""{ {{Format}} "columns": [ {"name": "id", "type": "id"}, {"name": "email", "type": "id"}, {"name": "spend", "type": "numeric"} ] }""";

        var error = Assert.Throws<VerticalDataException>(() => Load("id,email,spend\na,b,1\n", schema));

        Assert.Contains("table.schema.json: columns: 2 \"id\" columns ('id', 'email')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SchemaWithTwoLabelColumns_ThrowsNamingThem()
    {
        var schema = GuestSchema.Replace("""{"name": "id", "type": "id"},""", """{"name": "id", "type": "id"}, {"name": "z", "type": "label", "regression": true},""", StringComparison.Ordinal);

        var error = Assert.Throws<VerticalDataException>(() => Load("id,z,colour,size,y\na,1,red,1,no\n", schema));

        Assert.Contains("table.schema.json: columns: 2 label columns ('z', 'y')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_GuestFileWithoutItsLabelColumn_ThrowsDataFormatException()
    {
        var error = Assert.Throws<DataFormatException>(() => Load("id,colour,size\na,red,1\n", GuestSchema));

        Assert.Contains("table.csv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyId_ThrowsNamingTheFileAndRow()
    {
        var error = Assert.Throws<VerticalDataException>(() => Load("id,spend\na,1\n,2\n", HostSchema));

        Assert.Contains("table.csv, column 'id'", error.Message, StringComparison.Ordinal);
        Assert.Contains("row 1 is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Align_AgreedIdOrder_ReturnsThoseRowsAndLabels()
    {
        var table = Load(GuestRows, GuestSchema);

        var rows = table.Align(["b2", "c3"]);
        var labels = table.AlignLabels(["a1", "b2"]);

        Assert.Equal(2, rows.Rows);
        Assert.Equal([1f, 0f, Step, 1f, 0f, -Step], rows.Features, Tolerance);
        Assert.Equal(table.Features.FeatureNames, rows.FeatureNames);
        Assert.Equal([0f, 1f], labels);
    }

    [Fact]
    public void Align_IdsNotInTheTable_ThrowsNamingTheFirst()
    {
        var table = Load(GuestRows, GuestSchema);

        var error = Assert.Throws<VerticalDataException>(() => table.Align(["a1", "zz", "yy"]));

        Assert.Contains("table.csv: the aligned ID 'zz' (position 1) is not in this table", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("yy", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Align_IdListedTwice_Throws()
    {
        var table = Load(GuestRows, GuestSchema);

        var error = Assert.Throws<VerticalDataException>(() => table.AlignLabels(["a1", "b2", "a1"]));

        Assert.Contains("'a1' is listed twice (again at position 2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AlignLabels_HostTable_Throws()
    {
        var table = Load("id,spend\na,1\nb,2\n", HostSchema);

        Assert.Throws<InvalidOperationException>(() => table.AlignLabels(["a"]));
    }

    [Fact]
    public void CanonicalOrder_DifferentlyCasedAndOrderedIds_GiveEveryPartyTheSameOrder()
    {
        var options = new PsiIdOptions(CaseFold: true);

        var guest = VerticalTable.CanonicalOrder(["B-2", "a-1", " C-3 "], options);
        var host = VerticalTable.CanonicalOrder(["c-3", "A-1", "b-2", "a-1"], options);

        Assert.Equal(["a-1", "b-2", "c-3"], guest);
        Assert.Equal(guest, host);
    }

    [Fact]
    public void CanonicalOrder_WithoutCaseFolding_SortsOrdinally()
    {
        var order = VerticalTable.CanonicalOrder(["b", "B", "a", "A", "é"], PsiIdOptions.Default);

        Assert.Equal(["A", "B", "a", "b", "é"], order);
    }

    [Fact]
    public void Align_LowerCasedIdsAtOneParty_MatchUnderCaseFolding()
    {
        var options = new PsiIdOptions(CaseFold: true);
        var guest = Load("id,colour,size,y\nC3,red,1,yes\nA1,blue,2,no\nB2,red,3,yes\n", GuestSchema, options, "guest");
        var host = Load("id,spend\nb2,10\nc3,20\nd4,30\n", HostSchema, options, "host");
        var order = VerticalTable.CanonicalOrder(guest.Ids.Intersect(host.Ids, StringComparer.Ordinal), options);

        var guestRows = guest.Align(order);
        var hostRows = host.Align(order);

        Assert.Equal(["b2", "c3"], order);
        Assert.Equal([Step, -Step], [guestRows.Features[2], guestRows.Features[5]], Tolerance);
        Assert.Equal([-Step, 0f], hostRows.Features, Tolerance);
    }

    private static IEqualityComparer<float> Tolerance { get; } = EqualityComparer<float>.Create((a, b) => Math.Abs(a - b) < 1e-5f, x => 0);

    private VerticalTable Load(string rows, string schema, PsiIdOptions? options = null, string name = "table")
    {
        var csvPath = Path.Combine(_directory.FullName, $"{name}.csv");
        var schemaPath = Path.Combine(_directory.FullName, $"{name}.schema.json");
        File.WriteAllText(csvPath, rows);
        File.WriteAllText(schemaPath, schema);
        return VerticalTable.Load(csvPath, schemaPath, options);
    }
}
