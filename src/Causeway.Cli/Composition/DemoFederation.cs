using System.Diagnostics;
using System.Text.Json.Nodes;
using Causeway.Core.Data;
using Causeway.Core.Metrics;
using Causeway.Core.Models;
using Causeway.Core.Training;
using Causeway.Federation.Configuration;
using Causeway.Federation.Reporting;
using Spectre.Console;

namespace Causeway.Cli.Composition;

/// <summary>Runs the demo federation: prepares the islands, starts the processes, drives a run, and cleans up.</summary>
internal static class DemoFederation
{
    /// <param name="Dataset">adult or heart (ignored with <paramref name="Csv"/>).</param>
    /// <param name="Rounds">Federated rounds.</param>
    /// <param name="WorkDirectory">The demo's own folder (a <see cref="WorkFolder"/>), empty but for its marker.</param>
    /// <param name="Seed">Seed for the split, the model and sampling.</param>
    /// <param name="Personalise">
    /// "fedper": train an MLP, then run again with its output layer kept by each party (FedPer) and compare each party's own
    /// held-out accuracy under the two; null: the plain demo.
    /// </param>
    /// <param name="Csv">A user's own CSV file, its schema and the number of parties to deal it to, instead of a bundled dataset.</param>
    /// <param name="KeepOpen">Keep the federation up after the runs, for the dashboard, until the command is cancelled (Ctrl+C).</param>
    public sealed record Options(
        string Dataset, int Rounds, string WorkDirectory, ulong Seed, string? Personalise = null, (string Data, string Schema, int Parties)? Csv = null, bool KeepOpen = false);

    /// <param name="Report">The (first) run's rounds and the centralised reference.</param>
    /// <param name="ModelPath">The global model of the first run.</param>
    /// <param name="Sites">With <see cref="Options.Personalise"/>: each party's held-out accuracy under the global and the personalised model; else empty.</param>
    public sealed record Outcome(RunReport Report, string ModelPath, IReadOnlyList<SiteGain> Sites);

    /// <summary>One party's own held-out figures after the last round of each run (from the coordinator's per-party metrics).</summary>
    public sealed record SiteGain(string Party, int Examples, double Global, double Personal)
    {
        public JsonObject ToJson() => new() { ["site"] = Party, ["examples"] = Examples, ["global_accuracy"] = Global, ["personal_accuracy"] = Personal };
    }

    /// <summary>Runs the demo; <paramref name="show"/> sees the outcome while the federation is still up.</summary>
    public static async Task<Outcome> RunAsync(Options options, Action<Outcome> show, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(show);
        var stopwatch = Stopwatch.StartNew();
        var work = options.WorkDirectory;
        var islands = options.Csv is { } csv
            ? DemoDatasets.FromCsv(csv.Data, csv.Schema, work, csv.Parties, (int)options.Seed)
            : DemoDatasets.Prepare(options.Dataset, DemoDatasets.LocateSamples(), work, (int)options.Seed);
        var config = DemoConfig(options, islands);

        AnsiConsole.MarkupLine(Markup.Escape($"{islands.Name}: 1 coordinator + {islands.Parties.Count} party processes, HTTP/2 + TLS on 127.0.0.1"));
        using var federation = await LocalFederation.StartAsync(work, "demo", [.. islands.Parties.Select(p => LocalFederation.Party.Horizontal(p, islands.SchemaPath))], cancellationToken);
        AnsiConsole.MarkupLine(Markup.Escape($"all parties joined the coordinator at {federation.Coordinator}"));
        AnsiConsole.MarkupLine(Markup.Escape($"watch it live at {federation.Dashboard} (sign in with the token in {federation.AdminTokenFile})"));
        var api = federation.Api;
        var runId = await api.StartRunAsync(config.ToJson(), cancellationToken);
        var centralized = CentralizedReferenceAsync(api, runId, config, islands, cancellationToken);
        var rounds = await FollowAsync(federation, runId, cancellationToken);
        var modelPath = Path.Combine(work, "global-model.cw");
        await api.DownloadModelAsync(runId, modelPath, cancellationToken);
        IReadOnlyList<SiteGain> sites = [];
        if (options.Personalise is not null)
        {
            // The same parties, the same plan, but each keeps its output layer: the hidden layer is all they share.
            var personal = config with { Name = config.Name + "-fedper", Training = config.Training with { PersonalLayers = 1 } };
            AnsiConsole.MarkupLine(Markup.Escape("FedPer: the same federation again, each party keeping its own output layer"));
            var personalId = await api.StartRunAsync(personal.ToJson(), cancellationToken);
            await FollowAsync(federation, personalId, cancellationToken);
            sites = Gains(await LastPartyAccuracies(api, runId, cancellationToken), await LastPartyAccuracies(api, personalId, cancellationToken));
        }

        var last = rounds.LastOrDefault(r => r.Accuracy is not null);
        var report = new RunReport(
            $"demo: {islands.Name}",
            rounds,
            last is null ? null : new MetricsReport(last.Accuracy, last.Loss ?? double.NaN),
            await centralized,
            stopwatch.Elapsed.TotalSeconds);
        var outcome = new Outcome(report, modelPath, sites);
        show(outcome);
        if (options.KeepOpen)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"the federation stays up for the dashboard at {federation.Dashboard}; press Ctrl+C to stop it"));
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        return outcome;
    }

    // The centralised model, trained beside the federated run; its figures are kept with the run so the dashboard draws
    // them as reference lines.
    private static async Task<MetricsReport> CentralizedReferenceAsync(
        ControlApiClient api, string runId, RunConfig config, DemoDatasets.Prepared islands, CancellationToken cancellationToken)
    {
        var centralized = await Task.Run(() => TrainCentralized(config, islands), cancellationToken);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        void Add(string name, double? value)
        {
            if (value is { } v && double.IsFinite(v))
            {
                metrics[name] = v;
            }
        }

        Add("eval_accuracy", centralized.Accuracy);
        Add("eval_loss", centralized.Loss);
        Add("eval_roc_auc", centralized.RocAuc);
        Add("eval_f1", centralized.F1);
        Add("eval_rmse", centralized.Rmse);
        try
        {
            if (metrics.Count > 0)
            {
                await api.SetReferenceAsync(runId, "centralised", metrics, cancellationToken);
            }
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException)
        {
            // The reference only draws a line on the dashboard: the demo's result stands without it.
            AnsiConsole.MarkupLine(Markup.Escape($"note: the dashboard will show no centralised reference line ({e.Message})"));
        }

        return centralized;
    }

    // Each party's own accuracy and example count in the run's last evaluated round, as the coordinator stored them.
    private static async Task<Dictionary<string, (int Examples, double Accuracy)>> LastPartyAccuracies(ControlApiClient api, string runId, CancellationToken cancellationToken)
    {
        var details = await api.RunAsync(runId, cancellationToken);
        var last = (details["rounds"]?.AsArray() ?? []).LastOrDefault(r => r?["evaluations"]?.AsArray().Count > 0)
            ?? throw new InvalidOperationException($"Run {runId} stored no per-party evaluation.");
        return last["evaluations"]!.AsArray().ToDictionary(
            p => p!["party"]!.GetValue<string>(),
            p => ((int)p!["metrics"]!["eval_examples"]!.GetValue<double>(), p["metrics"]!["eval_accuracy"]!.GetValue<double>()),
            StringComparer.Ordinal);
    }

    private static List<SiteGain> Gains(Dictionary<string, (int Examples, double Accuracy)> global, Dictionary<string, (int Examples, double Accuracy)> personal) =>
        [.. global.Where(g => personal.ContainsKey(g.Key)).Select(g => new SiteGain(g.Key, g.Value.Examples, g.Value.Accuracy, personal[g.Key].Accuracy))];

    private static RunConfig DemoConfig(Options options, DemoDatasets.Prepared islands) => new()
    {
        Name = options.Csv is { } csv ? "demo-" + Path.GetFileNameWithoutExtension(csv.Data) : $"demo-{options.Dataset}",
        Seed = options.Seed,
        Rounds = options.Rounds,
        // FedPer needs a body to share under the parties' own heads: one hidden layer of 16 (bench personalise's).
        Model = options.Personalise is null ? new ModelConfig { Type = ModelConfig.LinearFor(FeatureEncoder.TaskOf(DataSchema.Load(islands.SchemaPath))) } : new ModelConfig { Type = ModelType.Mlp, Hidden = [16] },
        Training = new TrainingConfig { Epochs = 1, BatchSize = 32, LearningRate = 0.05f },
        Strategy = new StrategyConfig { Name = Federation.Horizontal.StrategyKind.FedAvg },
        Round = new RoundConfig { DeadlineSeconds = 120, MinResults = islands.Parties.Count },
        Data = new DataConfig { Schema = islands.SchemaPath },
    };

    /// <summary>Follows the run until it ends (<see cref="RunFollower"/>); a run that does not complete fails the demo.</summary>
    private static async Task<IReadOnlyList<RoundReport>> FollowAsync(LocalFederation federation, string runId, CancellationToken cancellationToken)
    {
        var outcome = await RunFollower.FollowAsync(federation.Api, runId, federation.ThrowIfExited, cancellationToken);
        return outcome.Completed ? outcome.Rounds : throw new InvalidOperationException($"The run ended {outcome.State}: {outcome.Error}");
    }

    /// <summary>The reference: the same model and plan trained on the pooled data of all parties (only possible in a demo).</summary>
    private static MetricsReport TrainCentralized(RunConfig config, DemoDatasets.Prepared islands)
    {
        var schema = DataSchema.Load(islands.SchemaPath);
        var trainTables = islands.Parties.Select(p => TableReader.Read(p.Train, schema)).ToList();
        var statistics = FeatureStatistics.Merge(trainTables.Select(FeatureStatistics.Compute));
        var train = Concatenate(trainTables.Select(t => FeatureEncoder.Encode(t, schema, statistics)).ToList());
        var test = Concatenate(islands.Parties.Select(p => FeatureEncoder.Encode(TableReader.Read(p.Evaluation, schema), schema, statistics)).ToList());
        var spec = config.ToModelSpec(train.Columns, FeatureEncoder.OutputCount(schema), FeatureEncoder.TaskOf(schema));
        var network = new DenseNetwork(spec);
        var plan = config.ToTrainingPlan() with { Epochs = config.Rounds * config.Training.Epochs };
        var parameters = CentralizedTrainer.Train(network, train, plan, config.Seed);
        var evaluation = ModelEvaluator.Evaluate(network, parameters, test);
        return new MetricsReport(evaluation.Accuracy, evaluation.Loss);
    }

    private static TabularData Concatenate(IReadOnlyList<TabularData> parts)
    {
        var columns = parts[0].Columns;
        return new TabularData([.. parts.SelectMany(p => p.Features)], [.. parts.SelectMany(p => p.Labels)], columns, parts[0].FeatureNames);
    }
}
