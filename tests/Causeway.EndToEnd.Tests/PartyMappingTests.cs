using Causeway.EndToEnd.Tests.Infrastructure;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// <c>causeway party --mapping</c>: a party whose columns have other names maps them to the federation's schema, and a
/// mapping that does not fit the schema stops the party before it joins, naming the mapping file and field.
/// </summary>
public sealed class PartyMappingTests
{
    [Fact]
    public async Task Party_MappingToAnUnknownColumn_ExitsBeforeJoining_NamingFileAndField()
    {
        var directory = Directory.CreateTempSubdirectory("causeway-mapping-").FullName;
        var schema = Path.Combine(directory, "federation.json");
        var data = Path.Combine(directory, "local.csv");
        var mapping = Path.Combine(directory, "mine.json");
        await File.WriteAllTextAsync(schema, SeparableTables.SchemaJson);
        await File.WriteAllTextAsync(data, SeparableTables.Csv(seed: 1, rows: 20));
        await File.WriteAllTextAsync(mapping, """{ "columns": { "Temp_F": { "name": "temperatur", "unit": "fahrenheit->celsius" } } }""");

        // The coordinator address is never dialled: the mapping is checked first.
        var (exitCode, _, stderr) = await CliRunner.RunAsync(
            Infrastructure.TaskExtensions.DefaultTimeoutSpan,
            "party", "--join", "https://127.0.0.1:9", "--id", "site-a", "--token", "t", "--data", data, "--schema", schema, "--mapping", mapping);

        Assert.Equal(2, exitCode);
        Assert.Contains(mapping, stderr, StringComparison.Ordinal);
        Assert.Contains("columns.Temp_F.name", stderr, StringComparison.Ordinal);
        Assert.Contains("unknown column: 'temperatur'", stderr, StringComparison.Ordinal);
    }
}
