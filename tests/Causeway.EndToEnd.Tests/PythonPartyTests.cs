using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Causeway.Cli.Composition;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation;
using Causeway.Party;
using Causeway.Protocol;
using Xunit.Abstractions;
using V1 = Causeway.Protocol.V1;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// The reference Python party (clients/python/causeway_party.py, written from docs/protocol.md): it computes the
/// protocol's test vectors, and in a real run over HTTP/2 + TLS beside a .NET party holding the same rows it sends the
/// same update every round, to within 1e-4.
/// </summary>
public sealed class PythonPartyTests(ITestOutputHelper output)
{
    [PythonPartyFact]
    public async Task PythonParty_ComputesTheProtocolsTestVectors()
    {
        var (exitCode, stdout, stderr) = await RunPythonAsync("--check-vectors", Path.Combine(CliRunner.RepositoryRoot(), "docs", "protocol-vectors"));

        // The script checks every figure itself (exact sums; encoding within 1e-6; delta and loss within 1e-5) and fails otherwise.
        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("statistics: 8 rows, sums exact", lines[0]);
        Assert.StartsWith("encoding: 5 features, largest difference ", lines[1], StringComparison.Ordinal);
        var delta = double.Parse(lines[2].Split(' ')[5].TrimEnd(','), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(delta, 0, 1e-5);
    }

    [PythonPartyFact]
    public async Task PythonParty_BesideADotNetPartyWithTheSameRows_SendsTheSameUpdateEveryRound()
    {
        const int Rounds = 3;
        const int Rows = 120;
        var work = Directory.CreateTempSubdirectory("causeway-python-").FullName;
        var tap = new WireTap();
        await using var server = await CoordinatorServer.StartAsync(tap: tap);
        var csv = Path.Combine(work, "bank.csv");
        var schema = Path.Combine(work, "schema.json");
        var ca = Path.Combine(work, "ca.crt.pem");
        await File.WriteAllTextAsync(csv, SeparableTables.Csv(seed: 3, rows: Rows));
        await File.WriteAllTextAsync(schema, SeparableTables.SchemaJson);
        await File.WriteAllTextAsync(ca, server.Authority.ExportCertificatePem());

        await using var dotnet = await InProcessParties.StartAsync(
            server, [("dotnet-bank", new LocalDataHandler(new PartyId("dotnet-bank"), SeparableTables.SchemaJson, SeparableTables.Table(seed: 3, rows: Rows), null))]);
        using var python = ChildProcess.Start(
            PythonParty.Interpreter,
            PythonParty.Script,
            "python-bank",
            ["--join", server.Address.ToString(), "--id", "python-bank", "--data", csv, "--schema", schema, "--ca", ca],
            new Dictionary<string, string> { ["CAUSEWAY_JOIN_TOKEN"] = CoordinatorServer.JoinToken },
            Path.Combine(work, "python-bank.log"));
        using var admin = server.CreateAdminClient();
        try
        {
            await ProcessHarness.WaitUntilAsync("the Python party to join", [python], TimeSpan.FromSeconds(30), async () =>
                (await ProcessHarness.GetAsync(admin, "/api/status"))?["parties"]?.AsArray().Count == 2);
            var runId = await server.Runs.StartAsync(
                $$"""
                {
                  "name": "python-beside-dotnet", "rounds": {{Rounds}}, "model": { "type": "logistic" },
                  "training": { "epochs": 5, "batchSize": 0, "learningRate": 0.5, "momentum": 0.5, "weightDecay": 0.01 },
                  "round": { "deadlineSeconds": 60, "minResults": 2 }
                }
                """,
                CancellationToken.None).DefaultTimeout();
            JsonNode? run = null;
            await ProcessHarness.WaitUntilAsync("the run to complete", [python], TimeSpan.FromSeconds(60), async () =>
            {
                run = await ProcessHarness.GetAsync(admin, $"/api/runs/{runId}");
                Assert.NotEqual("Failed", run?["run"]?["state"]?.GetValue<string>());
                return run?["run"]?["state"]?.GetValue<string>() == "Completed";
            });

            // Both parties' updates were averaged in every round, each behind all its rows.
            foreach (var round in run!["rounds"]!.AsArray())
            {
                Assert.Equal(
                    ["dotnet-bank accepted 120", "python-bank accepted 120"],
                    round!["parties"]!.AsArray().Select(p => $"{p!["party"]} {p["outcome"]} {p["examples"]}").Order(StringComparer.Ordinal));
            }

            // What crossed the wire: per round, the two train results, equal to within 1e-4.
            var results = tap.TrainResults()
                .GroupBy(r => r.Round)
                .OrderBy(g => g.Key)
                .ToList();
            Assert.Equal(Enumerable.Range(1, Rounds), results.Select(g => g.Key));
            var largest = 0.0;
            foreach (var round in results)
            {
                var (first, second) = (round.First().Train, round.Last().Train);
                Assert.Equal(2, round.Count());
                Assert.Equal(Rows, first.Examples);
                Assert.Equal(Rows, second.Examples);
                Assert.Equal(first.TrainLoss, second.TrainLoss, 1e-4);
                var (a, b) = (Values(first.Delta), Values(second.Delta));
                Assert.Equal(a.Length, b.Length);
                Assert.Equal(4, a.Length); // layer0.weight [1, 3] and layer0.bias [1]
                largest = Math.Max(largest, a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Max());
                Assert.True(a.Any(v => Math.Abs(v) > 1e-3), "the update is not trivially zero");
            }

            Assert.True(largest < 1e-4, $"the Python and .NET updates differ by up to {largest}");
            output.WriteLine($"largest difference between the two parties' update values over {Rounds} rounds: {largest:E1}");
        }
        finally
        {
            await python.KillAsync();
            output.WriteLine(python.Tail());
            Directory.Delete(work, recursive: true);
        }
    }

    private static float[] Values(V1.ParameterSet parameters) =>
        [.. parameters.Tensors.SelectMany(t => Enumerable.Range(0, t.Data.Length / 4).Select(i => BitConverter.ToSingle(t.Data.Span.Slice(i * 4, 4))))];

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunPythonAsync(params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(PythonParty.Interpreter, [PythonParty.Script, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().DefaultTimeout();
        return (process.ExitCode, await stdout, await stderr);
    }
}
