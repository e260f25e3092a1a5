using System.CommandLine;
using System.Text.Json.Nodes;
using Causeway.Cli.Bench;
using Causeway.Cli.Output;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway bench ...</c>: end-to-end measurements written as tables and JSON reports.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Measure aggregation, simulation and network speed; results as a table and JSON.");
        command.Subcommands.Add(Aggregate());
        foreach (var sub in BenchScenarios.Create())
        {
            command.Subcommands.Add(sub);
        }

        command.Subcommands.Add(BenchNetworkCommand.Create());
        command.Subcommands.Add(BenchRoundsCommand.Create());
        command.Subcommands.Add(BenchAsyncCommand.Create());
        command.Subcommands.Add(BenchLoadCommand.Create());
        command.Subcommands.Add(BenchHostileUploadsCommand.Create());
        command.Subcommands.Add(BenchTakeoverCommand.Create());
        command.Subcommands.Add(BenchFaultsCommand.Create());
        command.Subcommands.Add(SecAggBench.Create());
        command.Subcommands.Add(PaillierBench.CreateCommand());
        command.Subcommands.Add(RobustBench.Create());
        command.Subcommands.Add(DpBench.Create());
        command.Subcommands.Add(VerticalBench.Create());
        command.Subcommands.Add(PsiBench.Create());
        command.Subcommands.Add(BenchRecsysCommand.Create());
        command.Subcommands.Add(BenchRecsysNetworkCommand.Create());
        command.Subcommands.Add(BenchVectorsCommand.Create());
        command.Subcommands.Add(BenchVectorsFederatedCommand.Create());
        command.Subcommands.Add(BenchVectorsEncoderCommand.Create());
        command.Subcommands.Add(BenchPersonaliseCommand.Create());
        command.Subcommands.Add(BenchPretrainedCommand.Create());
        command.Subcommands.Add(BenchFtlCommand.Create());

        return command;
    }

    private static Command Aggregate()
    {
        var updates = new Option<int>("--updates") { Description = "Number of party updates folded per repetition.", DefaultValueFactory = _ => 10 };
        var parameters = new Option<int>("--params") { Description = "Parameters per update (float32).", DefaultValueFactory = _ => 10_000_000 };
        var repetitions = new Option<int>("--repetitions") { Description = "Timed repetitions of each path (the median is reported).", DefaultValueFactory = _ => 7 };
        var report = CliOptions.Report();
        var command = new Command("aggregate", "FedAvg aggregation throughput (GB/s) vs a plain summing loop over the same buffers.")
        {
            updates, parameters, repetitions, report,
        };
        command.SetAction(parse =>
        {
            var n = parse.GetValue(updates);
            var p = parse.GetValue(parameters);
            var reps = parse.GetValue(repetitions);
            if (n < 1 || p < 1024 || reps < 1)
            {
                Console.Error.WriteLine("bench aggregate: --updates >= 1, --params >= 1024 and --repetitions >= 1 are required.");
                return 2;
            }

            var loadBefore = LoadAverage.Read();
            AggregationBench.Result result = null!;
            AnsiConsole.Progress().Start(context =>
            {
                var task = context.AddTask($"aggregating {n} x {p:N0} floats", maxValue: reps);
                result = AggregationBench.Run(n, p, reps, new Progress<int>(done => task.Value = done));
                task.Value = reps;
            });

            var table = new Table().AddColumns("path", "GB/s");
            table.AddRow("FedAvg streaming aggregation", $"{result.Gbps:F2}");
            table.AddRow("plain summing loop (baseline)", $"{result.BaselineGbps:F2}");
            table.AddRow("ratio", $"{result.Ratio:P0}");
            AnsiConsole.Write(table);

            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("aggregate", loadBefore, LoadAverage.Read(), new JsonObject
                {
                    ["updates"] = result.Updates,
                    ["params"] = result.Parameters,
                    ["repetitions"] = result.Repetitions,
                    ["gbps"] = result.Gbps,
                    ["baseline_gbps"] = result.BaselineGbps,
                    ["ratio"] = result.Ratio,
                }));
            }

            return 0;
        });
        return command;
    }
}
