using System.Text.RegularExpressions;
using Causeway.EndToEnd.Tests.Infrastructure;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// Issue 13's error contract, swept across the commands as the real CLI: each expected failure (a bad config, schema or
/// data file, a missing file, an unreachable coordinator, a wrong token, a bad flag) exits 2 with "VERB: what and where"
/// and at most one indented line (a hint, or the problem in detail), and never a stack trace. The exact wording of the common ones is pinned in
/// <see cref="CliFailureTests"/>; here every case must name what the user must look at (file, line, field).
/// </summary>
public sealed partial class CliErrorSweepTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("causeway-cli-sweep-").FullName;

    public static TheoryData<string> Cases => [.. Sweep.Keys];

    // name → (files to write, arguments with {root} for the folder, what the first line must contain).
    private static readonly Dictionary<string, (Dictionary<string, string> Files, string[] Arguments, string[] Names)> Sweep = new()
    {
        ["run config: misspelt field"] = (
            new() { ["run.json"] = """{ "rounds": 2, "training": { "learningrate": 0.1 } }""" },
            ["simulate", "--config", "{root}/run.json"],
            ["run.json", "training.learningrate", "did you mean 'learningRate'"]),
        ["run config: not JSON"] = (
            new() { ["run.json"] = "{ \"rounds\": 2,\n  \"model\": { \"type\": \"logistic\" \n}" },
            ["simulate", "--config", "{root}/run.json"],
            ["run.json:3"]),
        ["run config: bad value"] = (
            new() { ["run.json"] = """{ "rounds": 0, "data": { "schema": "s.json", "train": "t.csv" } }""" },
            ["simulate", "--config", "{root}/run.json"],
            ["run.json", "rounds must be at least 1"]),
        ["schema: unknown column type"] = (
            new() { ["s.json"] = """{ "columns": [ { "name": "a", "type": "float" }, { "name": "y", "type": "label", "classes": { "0": ["0"], "1": ["1"] } } ] }""", ["d.csv"] = "a,y\n1,0\n2,1\n" },
            ["simulate", "--data", "{root}/d.csv", "--schema", "{root}/s.json"],
            ["s.json", "columns[0]", "float"]),
        ["data: a row with too few fields"] = (
            new() { ["s.json"] = """{ "columns": [ { "name": "a", "type": "numeric" }, { "name": "y", "type": "label", "classes": { "0": ["0"], "1": ["1"] } } ] }""", ["d.csv"] = "a,y\n1,0\n2\n3,1\n4,0\n5,1\n" },
            ["simulate", "--data", "{root}/d.csv", "--schema", "{root}/s.json"],
            ["d.csv:3", "expected 2 fields"]),
        ["data: a value that is not a number"] = (
            new() { ["s.json"] = """{ "columns": [ { "name": "a", "type": "numeric" }, { "name": "y", "type": "label", "classes": { "0": ["0"], "1": ["1"] } } ] }""", ["d.csv"] = "a,y\n1,0\nten,1\n3,1\n4,0\n5,1\n" },
            ["simulate", "--data", "{root}/d.csv", "--schema", "{root}/s.json"],
            ["d.csv:3", "column 'a'", "'ten'"]),
        ["schema infer: missing file"] = ([], ["schema", "infer", "{root}/nope.csv"], ["nope.csv"]),
        ["predict: missing model"] = ([], ["predict", "--model", "{root}/m.cw", "--data", "{root}/d.csv"], ["m.cw"]),
        ["export: missing model"] = ([], ["export", "--model", "{root}/m.cw", "--format", "onnx", "--out", "{root}/m.onnx"], ["m.cw"]),
        ["demo: data without schema"] = (new() { ["d.csv"] = "a,y\n1,0\n" }, ["demo", "--data", "{root}/d.csv"], ["--schema"]),
        ["coordinator: no certificates"] = ([], ["coordinator", "--certs", "{root}/certs", "--join-token", "j", "--admin-token", "a", "--db", "{root}/c.db"], ["certs"]),
        ["coordinator: bad heartbeat timeout"] = ([], ["coordinator", "--heartbeat-timeout", "0", "--join-token", "j", "--admin-token", "a"], ["--heartbeat-timeout"]),
        ["run start: unreachable coordinator"] = (
            new() { ["run.json"] = """{ "rounds": 2 }""" },
            ["run", "start", "--config", "{root}/run.json", "--coordinator", "https://127.0.0.1:9/", "--admin-token", "a"],
            ["https://127.0.0.1:9/"]),
        ["vertical run: bad job file"] = (
            new() { ["job.json"] = """{ "name": "j", "parties": "guest" }""" },
            ["vertical", "run", "--config", "{root}/job.json", "--coordinator", "https://127.0.0.1:9/", "--admin-token", "a"],
            ["job.json"]),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ExpectedFailure_ExitsTwo_NamesWhatAndWhere_WithoutAStackTrace(string name)
    {
        var (files, arguments, names) = Sweep[name];
        foreach (var (file, text) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(_root, file), text);
        }

        var (exitCode, stdout, stderr) = await CliRunner.RunAsync(
            Infrastructure.TaskExtensions.DefaultTimeoutSpan, [.. arguments.Select(a => a.Replace("{root}", _root, StringComparison.Ordinal))]);
        var output = $"{name}: exit code {exitCode}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}";
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.True(exitCode == 2, output);
        Assert.InRange(lines.Length, 1, 2);
        Assert.Matches(@"^[a-z][a-z -]*: ", lines[0]);
        Assert.True(lines.Length == 1 || lines[1].StartsWith("  ", StringComparison.Ordinal), output);
        Assert.DoesNotMatch(StackFrame(), stderr);
        Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
        Assert.All(names, n => Assert.True(stderr.Contains(n, StringComparison.Ordinal), $"the message does not name '{n}'\n{output}"));
        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), Directory.GetFiles(_root).Select(Path.GetFileName).Order(StringComparer.Ordinal)); // nothing left behind
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"^\s+at \S+\(", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}
