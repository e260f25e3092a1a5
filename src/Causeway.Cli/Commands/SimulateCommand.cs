using System.CommandLine;
using Causeway.Cli.Composition;
using Causeway.Cli.Output;
using Causeway.Core.Serialization;
using Causeway.Federation.Configuration;
using Causeway.Federation.Reporting;
using Causeway.Federation.Simulation;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway simulate</c>: N virtual parties in one process, same strategies and party code as a real federation.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "The run configuration (JSON).", Required = true, HelpName = "FILE" };
        var parties = new Option<int?>("--parties") { Description = "Override partition.parties." };
        var rounds = new Option<int?>("--rounds") { Description = "Override rounds." };
        var export = new Option<FileInfo?>("--export") { Description = "Save the final global model (with its feature pipeline) to this .cw file.", HelpName = "FILE" };
        var report = CliOptions.Report();
        var command = new Command("simulate", "Run a federation of virtual parties in one process (IID, Dirichlet, quantity or column partition).")
        {
            config, parties, rounds, export, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(config)!.FullName;
            var run = RunConfigFile.Load(path);
            if (parse.GetValue(parties) is { } p)
            {
                run = run with { Partition = run.Partition with { Parties = p } };
            }

            if (parse.GetValue(rounds) is { } r)
            {
                run = run with { Rounds = r };
            }

            RunConfigFile.Validate(run, path, RunSite.SimulationFromFiles);
            var data = ExperimentData.Load(run, path);
            var result = await RoundProgress.ShowAsync(
                $"{run.Name}: {run.Strategy.Name} over {run.Partition.EffectiveParties} parties",
                run.Rounds,
                observer => new Simulator().RunAsync(run, data.Simulation, observer, cancellationToken));

            var runReport = RunReport.From(run.Name, result);
            RunSummaryTable.Write(runReport);
            if (parse.GetValue(export) is { } exportFile)
            {
                var spec = run.ToModelSpec(data.Simulation.Train.Columns, data.Simulation.Outputs, data.Simulation.Task);
                new TrainedModel(spec, result.Global, data.SchemaJson, data.Statistics).Save(exportFile.FullName);
                Console.WriteLine($"model saved to {exportFile.FullName}");
            }

            if (parse.GetValue(report) is { } reportFile)
            {
                ReportFile.Write(reportFile.FullName, runReport.ToJson());
            }

            // A diverged run, or one with too many failed rounds, is a failed command (the table says why).
            return result.Failure is null ? 0 : 1;
        });
        return command;
    }
}
