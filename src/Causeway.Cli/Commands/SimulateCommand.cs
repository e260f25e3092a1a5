using System.CommandLine;
using Causeway.Cli.Composition;
using Causeway.Cli.Output;
using Causeway.Core.Data;
using Causeway.Core.Serialization;
using Causeway.Federation.Configuration;
using Causeway.Federation.Reporting;
using Causeway.Federation.Simulation;

namespace Causeway.Cli.Commands;

/// <summary>
/// <c>causeway simulate</c>: N virtual parties in one process, same strategies and party code as a real federation,
/// from a run configuration file or straight from a CSV file and its schema.
/// </summary>
internal static class SimulateCommand
{
    /// <summary>Without a configuration: the rounds run. 20.</summary>
    private const int DefaultRounds = 20;

    /// <summary>Without a configuration: the share of the file held out to evaluate on. 0.2.</summary>
    private const double DefaultTestFraction = 0.2;

    /// <summary>Without a configuration, <c>--model mlp</c>'s hidden layer: one of 32 units, sized for tables of tens of columns.</summary>
    private static readonly int[] DefaultHidden = [32];

    public static Command Create()
    {
        var config = new Option<FileInfo?>("--config") { Description = "A run configuration (JSON; docs/configuration.md). Or give --data and --schema instead.", HelpName = "FILE" };
        var data = new Option<FileInfo?>("--data") { Description = "A CSV file to federate without a configuration: its rows are held out (--test-fraction) and dealt to --parties.", HelpName = "FILE" };
        var schema = new Option<FileInfo?>("--schema") { Description = "The schema of --data (draft one with `causeway schema infer`).", HelpName = "FILE" };
        var testFraction = new Option<double?>("--test-fraction") { Description = $"Share of the rows held out for evaluation, stratified by class and seeded (default {DefaultTestFraction} with --data; overrides data.testFraction)." };
        var model = new Option<string?>("--model") { Description = "With --data: logistic (logistic, softmax or linear regression, as the label needs) or mlp (one hidden layer of 32). Default logistic.", HelpName = "logistic|mlp" };
        model.AcceptOnlyFromAmong("logistic", "mlp");
        var parties = new Option<int?>("--parties") { Description = "Override partition.parties (default 10)." };
        var rounds = new Option<int?>("--rounds") { Description = $"Override rounds (default {DefaultRounds} with --data)." };
        var seed = new Option<ulong?>("--seed") { Description = "Override the seed of every random choice (split, partition, initialisation, sampling)." };
        var export = new Option<FileInfo?>("--export") { Description = "Save the final global model (with its feature pipeline) to this .cw file.", HelpName = "FILE" };
        var exportCentralized = new Option<FileInfo?>("--export-centralized") { Description = "Save the centralised reference model (trained on the pooled rows) to this .cw file.", HelpName = "FILE" };
        var report = CliOptions.Report();
        var command = new Command(
            "simulate",
            "Run a federation of virtual parties in one process (IID, Dirichlet, quantity or column partition), from a run configuration or from a CSV file and its schema.")
        {
            config, data, schema, testFraction, model, parties, rounds, seed, export, exportCentralized, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (run, path) = Configure(parse.GetValue(config), parse.GetValue(data), parse.GetValue(schema), parse.GetValue(model));
            run = run with
            {
                Seed = parse.GetValue(seed) ?? run.Seed,
                Rounds = parse.GetValue(rounds) ?? run.Rounds,
                Partition = parse.GetValue(parties) is { } p ? run.Partition with { Parties = p } : run.Partition,
                Data = parse.GetValue(testFraction) is { } fraction ? run.Data with { TestFraction = fraction, Test = null } : run.Data,
            };
            if (parse.GetValue(exportCentralized) is not null)
            {
                run = run with { Evaluation = run.Evaluation with { Centralized = true } };
            }

            RunConfigFile.Validate(run, path, RunSite.SimulationFromFiles);
            var experiment = ExperimentData.Load(run, path);
            foreach (var warning in experiment.Warnings)
            {
                Console.Error.WriteLine("warning: " + warning);
            }

            var result = await RoundProgress.ShowAsync(
                $"{run.Name}: {run.Strategy.Name} over {run.Partition.EffectiveParties} parties",
                run.Rounds,
                observer => new Simulator().RunAsync(run, experiment.Simulation, observer, cancellationToken));

            var runReport = RunReport.From(run.Name, result);
            RunSummaryTable.Write(runReport);
            var spec = run.ToModelSpec(experiment.Simulation.Train.Columns, experiment.Simulation.Outputs, experiment.Simulation.Task);
            if (parse.GetValue(export) is { } exportFile)
            {
                new TrainedModel(spec, result.Global, experiment.SchemaJson, experiment.Statistics).Save(exportFile.FullName);
                Console.WriteLine($"model saved to {exportFile.FullName}");
            }

            if (parse.GetValue(exportCentralized) is { } centralFile)
            {
                var central = result.CentralizedModel
                    ?? throw new CliException("no centralised model was trained", "it needs test rows: data.test, data.testFraction or --test-fraction", exitCode: 2);
                new TrainedModel(spec, central, experiment.SchemaJson, experiment.Statistics).Save(centralFile.FullName);
                Console.WriteLine($"centralised model saved to {centralFile.FullName}");
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

    // The run and the path its relative data paths and error messages refer to: the configuration file, or, with --data,
    // a run built from the command line with defaults for the rest.
    private static (RunConfig Run, string Path) Configure(FileInfo? config, FileInfo? data, FileInfo? schema, string? model)
    {
        if (config is not null)
        {
            if (data is not null || schema is not null || model is not null)
            {
                throw new CliException("give --config, or --data with --schema (and --model), not both", "a configuration names its files in its \"data\" section", exitCode: 2);
            }

            return (RunConfigFile.Load(config.FullName), config.FullName);
        }

        if (data is null || schema is null)
        {
            throw new CliException(
                "give --config FILE, or --data FILE with --schema FILE",
                "draft a schema with: causeway schema infer DATA.csv --out schema.json", exitCode: 2);
        }

        CliFiles.Existing(data, "--data", exitCode: 2);
        CliFiles.Existing(schema, "--schema", exitCode: 2);

        var type = model == "mlp" ? ModelType.Mlp : ModelConfig.LinearFor(FeatureEncoder.TaskOf(DataSchema.Load(schema.FullName)));
        var run = new RunConfig
        {
            Name = Path.GetFileNameWithoutExtension(data.Name),
            Rounds = DefaultRounds,
            Model = new ModelConfig { Type = type, Hidden = type == ModelType.Mlp ? DefaultHidden : null },
            Data = new DataConfig { Schema = schema.FullName, Train = data.FullName, TestFraction = DefaultTestFraction },
            Evaluation = new EvaluationConfig { Centralized = true },
        };
        return (run, Path.Combine(Directory.GetCurrentDirectory(), "(command line)"));
    }
}
