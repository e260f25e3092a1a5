using Causeway.Core.Data;

namespace Causeway.Core.Tests.Data.Features;

public sealed class ColumnMappingTests : IDisposable
{
    private static readonly DataSchema Schema = DataSchema.Parse(
        """
        {"format": {"missingValues": ["?"]},
         "columns": [{"name": "temperature", "type": "numeric", "missing": "impute-constant", "fill": 20},
                     {"name": "room", "type": "categorical", "categories": ["a", "b"]},
                     {"name": "busy", "type": "label", "classes": {"0": ["0"], "1": ["1"]}}]}
        """,
        "federation.json");

    private readonly string _directory = Directory.CreateTempSubdirectory("causeway-mapping-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Read_WithMapping_RenamesColumnsAndConvertsUnits()
    {
        var mapping = ColumnMapping.Parse(
            """{"columns": {"Temp_F": {"name": "temperature", "unit": "fahrenheit→celsius"}, "Raum": {"name": "room"}}}""", "party.mapping.json");
        var path = Write("local.csv", "Raum,Temp_F,busy\na,212,1\nb,32,0\na,?,0\n");

        var table = TableReader.Read(path, Schema, mapping);

        // A missing cell takes the schema's fill, which is already in shared units (not converted).
        Assert.Equal([100.0, 0.0, 20.0], table.Numeric("temperature").Select(v => Math.Round(v, 12)));
        Assert.Equal([0, 1, 0], table.Categorical("room"));
    }

    [Theory]
    [InlineData("kelvin->celsius", 273.15, 0.0)]
    [InlineData("celsius→fahrenheit", 100.0, 212.0)]
    [InlineData("mile->km", 1.0, 1.609344)]
    [InlineData("percent -> fraction", 50.0, 0.5)]
    [InlineData("lb→kg", 1.0, 0.45359237)]
    [InlineData("hour->s", 2.0, 7200.0)]
    public void Convert_KnownUnits_GiveTheExpectedValue(string text, double value, double expected)
    {
        Assert.True(UnitConversion.TryParse(text, out var conversion, out _));

        Assert.Equal(expected, conversion.Convert(value), 9);
    }

    [Theory]
    [InlineData("""{"columns": {"T": {"name": "temperature", "unit": "fahrenheit→meter"}}}""", "field 'columns.T.unit': the unit is not convertible: 'fahrenheit' (temperature) cannot be converted to 'meter' (length).")]
    [InlineData("""{"columns": {"T": {"name": "temperature", "unit": "rankine→celsius"}}}""", "field 'columns.T.unit': the unit is not convertible: unknown unit 'rankine'")]
    [InlineData("""{"columns": {"T": {"name": "temperature", "unit": "celsius"}}}""", "field 'columns.T.unit': the unit is not convertible: 'celsius' is not a conversion")]
    [InlineData("""{"columns": {"T": {"unit": "celsius→kelvin"}}}""", "field 'columns.T.name': every mapped column needs the shared \"name\"")]
    [InlineData("""{"columns": {"T": {"name": "temperature"}, "U": {"name": "temperature"}}}""", "field 'columns.U.name': 'T' already maps to 'temperature'")]
    [InlineData("""{"columns": {}}""", "field 'columns': the mapping needs a non-empty \"columns\" object")]
    [InlineData("""{"columns": {"T": {"name": "temperature", "units": "x"}}}""", "party.mapping.json: field 'columns.T.units': unknown field 'units'")]
    public void Parse_BadMapping_NamesFileAndField(string json, string expected)
    {
        var error = Assert.Throws<DataFormatException>(() => ColumnMapping.Parse(json, "party.mapping.json"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("party.mapping.json: field '", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"columns": {"Temp_F": {"name": "temperatur"}}}""", "party.mapping.json: field 'columns.Temp_F.name': unknown column: 'temperatur' is not a column of the federation schema 'federation.json'.")]
    [InlineData("""{"columns": {"Raum": {"name": "room", "unit": "m→cm"}}}""", "party.mapping.json: field 'columns.Raum.unit': type mismatch: 'room' is a categorical column in 'federation.json', and only numeric columns have units.")]
    public void Validate_MappingThatDoesNotFitTheSchema_NamesFileAndField(string json, string expected)
    {
        var mapping = ColumnMapping.Parse(json, "party.mapping.json");
        var path = Write("local.csv", "Raum,Temp_F,busy\na,212,1\n");

        var error = Assert.Throws<DataFormatException>(() => TableReader.Read(path, Schema, mapping));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Read_MappedFileWithUnmappedLocalName_NamesTheLocalHeader()
    {
        var mapping = ColumnMapping.Parse("""{"columns": {"Temp_F": {"name": "temperature", "unit": "fahrenheit→celsius"}}}""", "m.json");
        var path = Write("local.csv", "Raum,Temp_F,busy\na,212,1\n");

        var error = Assert.Throws<DataFormatException>(() => TableReader.Read(path, Schema, mapping));

        Assert.Contains("column 'Raum': the header names a column the schema does not list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_File_NamesThePathInErrors()
    {
        var path = Write("bad.mapping.json", """{"columns": {"T": {"name": "temperature", "unit": "c→f"}}}""");

        var error = Assert.Throws<DataFormatException>(() => ColumnMapping.Load(path));

        Assert.StartsWith($"{path}: field 'columns.T.unit'", error.Message, StringComparison.Ordinal);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
