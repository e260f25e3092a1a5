using System.Text.Json.Nodes;
using Causeway.Core.Data;
using Causeway.EndToEnd.Tests.Infrastructure;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// The README's walk-through with a file the project ships no schema for (WDBC, headerless, an id column, an M/B label),
/// run as the real CLI: infer a schema, simulate straight from the CSV, export the centralised model; and what the user
/// sees when a step goes wrong (two lines, exit 2, no stack trace, nothing overwritten).
/// </summary>
public sealed class BringYourOwnCsvTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("causeway-byo-csv-test-").FullName;
    private readonly string _data = Path.Combine(CliRunner.RepositoryRoot(), "samples", "data", "breast-cancer-wisconsin", "wdbc.data");

    [Fact]
    public async Task InferThenSimulate_Wdbc_FederatedWithinReachOfCentralised_ReportHasAucAndF1()
    {
        var schema = Path.Combine(_root, "schema.json");
        var report = Path.Combine(_root, "report.json");
        var central = Path.Combine(_root, "central.cw");

        var infer = await RunAsync("schema", "infer", _data, "--label", "column2", "--out", schema);
        var simulate = await RunAsync("simulate", "--data", _data, "--schema", schema, "--parties", "3", "--report", report, "--export-centralized", central);

        Assert.True(infer.ExitCode == 0, infer.Stderr);
        var inferred = DataSchema.Load(schema);
        Assert.False(inferred.Format.Header);
        Assert.Equal(ColumnType.Id, inferred.Columns[0].Type);
        Assert.Equal(["M"], inferred.Label.Classes[1]);
        Assert.Contains("column1  │ id", infer.Stderr, StringComparison.Ordinal);

        Assert.True(simulate.ExitCode == 0, simulate.Stdout + simulate.Stderr);
        var json = JsonNode.Parse(File.ReadAllText(report))!;
        var federated = json["final"]!;
        var centralised = json["centralized"]!;
        Assert.InRange((double)federated["accuracy"]!, 0.9, 1.0);
        Assert.InRange((double)federated["rocAuc"]!, 0.95, 1.0);
        Assert.InRange((double)federated["f1"]!, 0.85, 1.0);
        Assert.InRange((double)federated["accuracy"]! - (double)centralised["accuracy"]!, -0.05, 0.05);
        Assert.Equal(20, json["rounds"]!.AsArray().Count);
        Assert.Contains("AUC", simulate.Stdout, StringComparison.Ordinal);
        Assert.True(new FileInfo(central).Length > 0);

        // The held-out fifth (114 of 569 rows, stratified) is what both models were scored on: predict on the file with
        // the centralised model and its accuracy over every row is high too.
        var predictions = Path.Combine(_root, "predictions.csv");
        var predict = await RunAsync("predict", "--model", central, "--data", _data, "--out", predictions);
        Assert.True(predict.ExitCode == 0, predict.Stderr);
        Assert.Equal(570, File.ReadAllLines(predictions).Length);
    }

    [Fact]
    public async Task Simulate_TenPartiesOfFortyFiveRows_WarnsThatTheyTakeTwoStepsARound()
    {
        var schema = Path.Combine(_root, "schema.json");
        await RunAsync("schema", "infer", _data, "--label", "column2", "--out", schema);

        var result = await RunAsync("simulate", "--data", _data, "--schema", schema, "--rounds", "2");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("warning: party party-", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("rows: 2 SGD steps a round at batch 32", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SchemaInfer_OutExists_RefusesAndLeavesTheFileAsItWas()
    {
        var schema = Path.Combine(_root, "schema.json");
        File.WriteAllText(schema, "my reviewed schema");

        var result = await RunAsync("schema", "infer", _data, "--out", schema);

        AssertTwoLines(result, $"schema infer: {schema} exists; not overwriting it", "choose another --out, or move the file away first");
        Assert.Equal("my reviewed schema", File.ReadAllText(schema));
    }

    [Fact]
    public async Task Simulate_DataWithoutSchema_SaysHowToDraftOne()
    {
        var result = await RunAsync("simulate", "--data", _data);

        AssertTwoLines(result, "simulate: give --config FILE, or --data FILE with --schema FILE", "draft a schema with: causeway schema infer DATA.csv --out schema.json");
    }

    [Fact]
    public async Task Simulate_HeaderlessFileUnderAHeaderSchema_SuggestsHeaderFalse()
    {
        var schema = Path.Combine(_root, "schema.json");
        await RunAsync("schema", "infer", _data, "--label", "column2", "--out", schema);
        File.WriteAllText(schema, File.ReadAllText(schema).Replace("\"header\":false", "\"header\":true", StringComparison.Ordinal));

        var result = await RunAsync("simulate", "--data", _data, "--schema", schema);

        AssertOneLine(result, $"simulate: {_data}:1, column '842302': the schema says the first line is a header, but it names none of the schema's columns: if the file has no header, set \"format\": {{\"header\": false}}.");
    }

    [Fact]
    public async Task Simulate_MisspeltConfigField_NamesTheFileTheFieldAndTheNearestName()
    {
        var config = Path.Combine(_root, "run.json");
        File.WriteAllText(config, "{ \"name\": \"x\", \"training\": { \"learningrate\": 0.1 } }");

        var result = await RunAsync("simulate", "--config", config);

        AssertOneLine(result, $"simulate: {config}:1: training.learningrate: unknown field; did you mean 'learningRate'?");
    }

    [Fact]
    public async Task Simulate_BadRow_NamesTheFileAndLine()
    {
        var schema = Path.Combine(_root, "schema.json");
        var data = Path.Combine(_root, "data.csv");
        await RunAsync("schema", "infer", _data, "--label", "column2", "--out", schema);
        File.WriteAllLines(data, [.. File.ReadLines(_data).Take(40), "1,M,abc"]);

        var result = await RunAsync("simulate", "--data", data, "--schema", schema);

        AssertOneLine(result, $"simulate: {data}:41: expected 32 fields separated by ',', found 3.");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] arguments) =>
        CliRunner.RunAsync(Infrastructure.TaskExtensions.DefaultTimeoutSpan, arguments);

    private static void AssertOneLine((int ExitCode, string Stdout, string Stderr) result, string line) => AssertLines(result, [line]);

    private static void AssertTwoLines((int ExitCode, string Stdout, string Stderr) result, string cause, string hint) => AssertLines(result, [cause, hint]);

    // Exactly these lines on standard error, exit code 2 (a usage or input error), and no stack trace.
    private static void AssertLines((int ExitCode, string Stdout, string Stderr) result, string[] expected)
    {
        var output = $"exit code {result.ExitCode}\n--- stdout ---\n{result.Stdout}\n--- stderr ---\n{result.Stderr}";
        Assert.True(result.ExitCode == 2, output);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(expected, result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
