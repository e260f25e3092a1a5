using System.Text.Json.Nodes;
using Causeway.Cli.Composition;
using Causeway.Core.Data;
using Causeway.Core.Metrics;
using Causeway.Core.Models;
using Causeway.Core.Tensors;
using Causeway.Core.Training;
using Causeway.Federation.Configuration;
using Causeway.Federation.Simulation;

namespace Causeway.Cli.Bench;

/// <summary>
/// <c>causeway bench personalise</c>: per-site accuracy of the global FedAvg model against each site's own model and
/// two personalisations of the global model, on the four hospitals of UCI Heart Disease (a natural, non-IID split).
/// </summary>
/// <remarks>
/// <para>
/// Each hospital keeps a seeded fifth of its patients for evaluation. The global model is trained by FedAvg over the
/// four hospitals (the simulation's rounds, the network's round engine), then scored on every hospital's own held-out
/// patients. Against it, per hospital:
/// </para>
/// <list type="bullet">
/// <item><b>alone</b>: the same model trained on the hospital's patients only, for as many epochs as the federation ran rounds;</item>
/// <item><b>fine-tuned</b>: the global model trained further on the hospital's patients (<see cref="Settings.PersonalEpochs"/> epochs);</item>
/// <item><b>Ditto</b> (Li et al. 2021): a personal model v minimising the hospital's loss + λ/2 ‖v − w‖², started from and
/// pulled towards the final global model w (the FedProx term of the local trainer, anchored at w), for the same epochs.
/// Ditto proper updates v during the rounds against the round's w; fitted to the final w, as here, is its usual
/// deployment-time approximation.</item>
/// </list>
/// Personal models never leave their hospital: nothing here adds to what the federation exchanges.
/// </remarks>
internal static class PersonaliseBench
{
    private static readonly string[] Sites = ["cleveland", "hungarian", "switzerland", "va"];

    public sealed record Settings
    {
        /// <summary>FedAvg rounds, one local epoch each. Default 30 (the heart demo's).</summary>
        public int Rounds { get; init; } = 30;

        /// <summary>Epochs of fine-tuning and of Ditto's personal training. Default 5.</summary>
        public int PersonalEpochs { get; init; } = 5;

        /// <summary>Ditto's λ. Default 0.1.</summary>
        public float DittoLambda { get; init; } = 0.1f;

        /// <summary>The hidden layers (none: logistic regression, the heart demo's model). Default 16.</summary>
        public IReadOnlyList<int> Hidden { get; init; } = [16];

        /// <summary>Held-out splits (and training seeds) averaged over: the held-out sets are 24 to 60 patients. Default 10.</summary>
        public int Repeats { get; init; } = 10;

        public ulong Seed { get; init; } = 42;
    }

    /// <summary>One hospital's held-out accuracy under each model.</summary>
    /// <param name="Name">The hospital.</param>
    /// <param name="TrainRows">Its training rows.</param>
    /// <param name="EvaluationRows">Its held-out rows.</param>
    /// <param name="PositiveShare">The share of its training rows with disease.</param>
    /// <param name="Global">The global FedAvg model's accuracy.</param>
    /// <param name="Alone">Its own model's, trained alone.</param>
    /// <param name="FineTuned">The global model fine-tuned on its rows.</param>
    /// <param name="Ditto">Ditto's personal model.</param>
    /// <param name="FineTunedDrift">‖v − w‖ of the fine-tuned model from the global one.</param>
    /// <param name="DittoDrift">‖v − w‖ of Ditto's personal model from the global one (smaller: λ pulls it back).</param>
    public sealed record Site(
        string Name, int TrainRows, int EvaluationRows, double PositiveShare, double Global, double Alone, double FineTuned, double Ditto, double FineTunedDrift, double DittoDrift)
    {
        public JsonObject ToJson() => new()
        {
            ["site"] = Name, ["train_rows"] = TrainRows, ["evaluation_rows"] = EvaluationRows, ["positive_share"] = PositiveShare,
            ["global"] = Global, ["alone"] = Alone, ["fine_tuned"] = FineTuned, ["ditto"] = Ditto,
            ["fine_tuned_drift"] = FineTunedDrift, ["ditto_drift"] = DittoDrift,
        };
    }

    /// <summary>Every hospital's figures averaged over <see cref="Settings.Repeats"/> seeds (split and training), seed, seed + 1, ...</summary>
    public static async Task<IReadOnlyList<Site>> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var runs = new List<IReadOnlyList<Site>>();
        for (var repeat = 0; repeat < settings.Repeats; repeat++)
        {
            runs.Add(await RunOnceAsync(settings with { Seed = settings.Seed + (ulong)repeat }, cancellationToken));
        }

        return [.. runs[0].Select((first, i) =>
        {
            double Mean(Func<Site, double> metric) => runs.Average(r => metric(r[i]));
            return new Site(
                first.Name, first.TrainRows, first.EvaluationRows, Mean(s => s.PositiveShare), Mean(s => s.Global), Mean(s => s.Alone),
                Mean(s => s.FineTuned), Mean(s => s.Ditto), Mean(s => s.FineTunedDrift), Mean(s => s.DittoDrift));
        })];
    }

    private static async Task<IReadOnlyList<Site>> RunOnceAsync(Settings settings, CancellationToken cancellationToken)
    {
        var samples = DemoDatasets.LocateSamples();
        var schema = DataSchema.Parse(File.ReadAllText(Path.Combine(samples, "heart", "schema.json")), "samples/heart/schema.json");
        var tables = Sites.Select(site =>
        {
            var lines = DemoDatasets.DataLines(Path.Combine(samples, "data", "uci-heart-disease", $"processed.{site}.data"));
            DemoDatasets.Shuffle(lines, new Random((int)settings.Seed));
            var held = Math.Max(1, lines.Count / 5);
            return (Site: site,
                Train: TableReader.Read(new StringReader(string.Join('\n', lines[held..])), $"{site}.train", schema),
                Evaluation: TableReader.Read(new StringReader(string.Join('\n', lines[..held])), $"{site}.eval", schema));
        }).ToList();

        // The federation's statistics: merged from every hospital's (counts and sums, no rows), as a run agrees them.
        var statistics = FeatureStatistics.Merge(tables.Select(t => FeatureStatistics.Compute(t.Train)));
        var train = tables.Select(t => FeatureEncoder.Encode(t.Train, schema, statistics)).ToList();
        var evaluation = tables.Select(t => FeatureEncoder.Encode(t.Evaluation, schema, statistics)).ToList();
        var union = new TabularData([.. train.SelectMany(t => t.Features)], [.. train.SelectMany(t => t.Labels)], train[0].Columns);
        var keys = tables.SelectMany((t, i) => Enumerable.Repeat(t.Site, train[i].Rows)).ToList();

        var config = new RunConfig
        {
            Name = "personalise-heart",
            Seed = settings.Seed,
            Rounds = settings.Rounds,
            Model = settings.Hidden.Count == 0 ? new ModelConfig { Type = ModelType.Logistic } : new ModelConfig { Type = ModelType.Mlp, Hidden = [.. settings.Hidden] },
            Training = new TrainingConfig { Epochs = 1, BatchSize = 16, LearningRate = 0.05f },
            Partition = new PartitionConfig { Scheme = PartitionScheme.Column, Column = "site" },
            Sampling = new SamplingConfig { Fraction = 1 },
            Evaluation = new EvaluationConfig { EveryRounds = settings.Rounds },
        };
        var task = FeatureEncoder.TaskOf(schema);
        var spec = config.ToModelSpec(union.Columns, FeatureEncoder.OutputCount(schema), task);
        var federated = await new Simulator().RunAsync(config, new SimulationData(union, null, task, spec.Outputs, keys), null, cancellationToken);
        var plan = config.ToTrainingPlan();

        static double Distance(ParameterSet a, ParameterSet b) => System.Numerics.Tensors.TensorPrimitives.Distance<float>(a.Values, b.Values);
        double Accuracy(ParameterSet parameters, TabularData data) => ModelEvaluator.Evaluate(new DenseNetwork(spec), parameters, data).Accuracy ?? double.NaN;
        return [.. tables.Select((t, i) =>
        {
            var alone = CentralizedTrainer.Train(new DenseNetwork(spec), train[i], plan with { Epochs = settings.Rounds }, settings.Seed, null, cancellationToken);
            var fineTuned = LocalTrainer.Train(new DenseNetwork(spec), federated.Global, train[i], plan with { Epochs = settings.PersonalEpochs }, settings.Seed, cancellationToken).Parameters;
            var ditto = LocalTrainer.Train(new DenseNetwork(spec), federated.Global, train[i], plan with { Epochs = settings.PersonalEpochs, ProximalMu = settings.DittoLambda }, settings.Seed, cancellationToken).Parameters;
            return new Site(
                t.Site, train[i].Rows, evaluation[i].Rows, train[i].Labels.Average(l => (double)l),
                Accuracy(federated.Global, evaluation[i]), Accuracy(alone, evaluation[i]), Accuracy(fineTuned, evaluation[i]), Accuracy(ditto, evaluation[i]),
                Distance(fineTuned, federated.Global), Distance(ditto, federated.Global));
        })];
    }
}
