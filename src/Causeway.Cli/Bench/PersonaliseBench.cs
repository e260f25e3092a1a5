using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Composition;
using Causeway.Core.Data;
using Causeway.Core.Metrics;
using Causeway.Core.Models;
using Causeway.Core.Tensors;
using Causeway.Core.Training;
using Causeway.Federation;
using Causeway.Federation.Configuration;
using Causeway.Federation.Simulation;

namespace Causeway.Cli.Bench;

/// <summary>
/// <c>causeway bench personalise</c>: per-site accuracy of the global FedAvg model against each site's own model and
/// three personalisations, on the four hospitals of UCI Heart Disease (a natural, non-IID split) or on UCI Adult dealt to
/// parties with Dirichlet label skew.
/// </summary>
/// <remarks>
/// <para>
/// Each site keeps a seeded fifth of its rows for evaluation. The global model is trained by FedAvg over the sites (the
/// simulation's rounds, the network's round engine), then scored on every site's own held-out rows. Against it, per site:
/// </para>
/// <list type="bullet">
/// <item><b>alone</b>: the same model trained on the site's rows only, for as many epochs as the federation ran rounds;</item>
/// <item><b>fine-tuned</b>: the global model trained further on the site's rows (<see cref="Settings.PersonalEpochs"/> epochs);</item>
/// <item><b>FedPer</b> (Arivazhagan et al. 2019): a second federated run in which the last layer is each site's own
/// (<see cref="Core.Training.TrainingPlan.PersonalLayers"/> = 1): the body is averaged, the head never leaves the site,
/// and the site is scored with the final body under its own head. Needs a hidden layer (a body to share);</item>
/// <item><b>Ditto</b> (Li et al. 2021): a personal model v minimising the site's loss + λ/2 ‖v − w‖², started from and
/// pulled towards the final global model w (the FedProx term of the local trainer, anchored at w), for the same epochs.
/// Ditto proper updates v during the rounds against the round's w; fitted to the final w, as here, is its usual
/// deployment-time approximation.</item>
/// </list>
/// Personal models never leave their site: nothing here adds to what the federation exchanges (FedPer exchanges less).
/// </remarks>
internal static class PersonaliseBench
{
    private static readonly string[] Hospitals = ["cleveland", "hungarian", "switzerland", "va"];

    public sealed record Settings
    {
        /// <summary>"heart" (4 hospitals) or "adult" (UCI Adult, Dirichlet label skew). Default heart.</summary>
        public string Dataset { get; init; } = "heart";

        /// <summary>FedAvg rounds, one local epoch each. Default 30 (the heart demo's).</summary>
        public int Rounds { get; init; } = 30;

        /// <summary>Epochs of fine-tuning and of Ditto's personal training. Default 5.</summary>
        public int PersonalEpochs { get; init; } = 5;

        /// <summary>Ditto's λ. Default 0.1.</summary>
        public float DittoLambda { get; init; } = 0.1f;

        /// <summary>The hidden layers (none: logistic regression, and no FedPer). Default 16.</summary>
        public IReadOnlyList<int> Hidden { get; init; } = [16];

        /// <summary>Held-out splits (and training seeds) averaged over: the held-out sets are small. Default 10.</summary>
        public int Repeats { get; init; } = 10;

        /// <summary>Adult only: the parties its training file is dealt to. Default 10.</summary>
        public int AdultParties { get; init; } = 10;

        /// <summary>Adult only: the Dirichlet concentration of each party's label mix (smaller: more skewed). Default 0.3.</summary>
        public double AdultAlpha { get; init; } = 0.3;

        public ulong Seed { get; init; } = 42;
    }

    /// <summary>One site's held-out accuracy under each model.</summary>
    /// <param name="Name">The site.</param>
    /// <param name="TrainRows">Its training rows.</param>
    /// <param name="EvaluationRows">Its held-out rows.</param>
    /// <param name="PositiveShare">The share of its training rows with the positive label.</param>
    /// <param name="Global">The global FedAvg model's accuracy.</param>
    /// <param name="Alone">Its own model's, trained alone.</param>
    /// <param name="FineTuned">The global model fine-tuned on its rows.</param>
    /// <param name="FedPer">FedPer's: the federated body under the site's own head (NaN without a hidden layer).</param>
    /// <param name="Ditto">Ditto's personal model.</param>
    /// <param name="FineTunedDrift">‖v − w‖ of the fine-tuned model from the global one.</param>
    /// <param name="DittoDrift">‖v − w‖ of Ditto's personal model from the global one (smaller: λ pulls it back).</param>
    public sealed record Site(
        string Name, int TrainRows, int EvaluationRows, double PositiveShare, double Global, double Alone, double FineTuned, double FedPer, double Ditto,
        double FineTunedDrift, double DittoDrift)
    {
        /// <summary>The best of the three personalisations.</summary>
        public double BestPersonal => new[] { FineTuned, FedPer, Ditto }.Where(double.IsFinite).Max();

        public JsonObject ToJson() => new()
        {
            ["site"] = Name, ["examples"] = TrainRows, ["evaluation_rows"] = EvaluationRows, ["positive_share"] = PositiveShare,
            ["global_accuracy"] = Global, ["local_accuracy"] = Alone, ["finetune_accuracy"] = FineTuned,
            ["fedper_accuracy"] = double.IsFinite(FedPer) ? FedPer : null, ["ditto_accuracy"] = Ditto,
            ["finetune_drift"] = FineTunedDrift, ["ditto_drift"] = DittoDrift,
        };
    }

    /// <summary>Every site's figures averaged over <see cref="Settings.Repeats"/> seeds (split and training), seed, seed + 1, ...</summary>
    public static async Task<IReadOnlyList<Site>> RunAsync(Settings settings, IProgress<int>? repeatsDone, CancellationToken cancellationToken)
    {
        var runs = new List<IReadOnlyList<Site>>();
        for (var repeat = 0; repeat < settings.Repeats; repeat++)
        {
            runs.Add(await RunOnceAsync(settings with { Seed = settings.Seed + (ulong)repeat }, settings.Seed, cancellationToken));
            repeatsDone?.Report(repeat + 1);
        }

        return [.. runs[0].Select((first, i) =>
        {
            double Mean(Func<Site, double> metric) => runs.Average(r => metric(r[i]));
            return new Site(
                first.Name, (int)Math.Round(Mean(s => s.TrainRows)), (int)Math.Round(Mean(s => s.EvaluationRows)), Mean(s => s.PositiveShare), Mean(s => s.Global),
                Mean(s => s.Alone), Mean(s => s.FineTuned), Mean(s => s.FedPer), Mean(s => s.Ditto), Mean(s => s.FineTunedDrift), Mean(s => s.DittoDrift));
        })];
    }

    // One site's rows, encoded with the federation's merged statistics.
    private sealed record Silo(string Name, TabularData Train, TabularData Evaluation);

    // Adult's parties are dealt once, from the first seed, so each party is the same rows in every repeat.
    private static async Task<IReadOnlyList<Site>> RunOnceAsync(Settings settings, ulong dealSeed, CancellationToken cancellationToken)
    {
        var (silos, schema) = settings.Dataset == "adult" ? Adult(settings, dealSeed) : Heart(settings.Seed);
        var union = new TabularData([.. silos.SelectMany(s => s.Train.Features)], [.. silos.SelectMany(s => s.Train.Labels)], silos[0].Train.Columns);
        var keys = silos.SelectMany(s => Enumerable.Repeat(s.Name, s.Train.Rows)).ToList();

        var config = new RunConfig
        {
            Name = "personalise-" + settings.Dataset,
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
        var data = new SimulationData(union, null, task, spec.Outputs, keys);
        var federated = await new Simulator().RunAsync(config, data, null, cancellationToken);
        var fedPer = settings.Hidden.Count == 0
            ? null
            : await new Simulator().RunAsync(config with { Training = config.Training with { PersonalLayers = 1 } }, data, null, cancellationToken);
        var plan = config.ToTrainingPlan();

        static double Distance(ParameterSet a, ParameterSet b) => System.Numerics.Tensors.TensorPrimitives.Distance<float>(a.Values, b.Values);
        double Accuracy(ParameterSet parameters, TabularData rows) => rows.Rows == 0 ? double.NaN : ModelEvaluator.Evaluate(new DenseNetwork(spec), parameters, rows).Accuracy ?? double.NaN;
        return [.. silos.Select(silo =>
        {
            var alone = CentralizedTrainer.Train(new DenseNetwork(spec), silo.Train, plan with { Epochs = settings.Rounds }, settings.Seed, null, cancellationToken);
            var fineTuned = LocalTrainer.Train(new DenseNetwork(spec), federated.Global, silo.Train, plan with { Epochs = settings.PersonalEpochs }, settings.Seed, cancellationToken).Parameters;
            var ditto = LocalTrainer.Train(new DenseNetwork(spec), federated.Global, silo.Train, plan with { Epochs = settings.PersonalEpochs, ProximalMu = settings.DittoLambda }, settings.Seed, cancellationToken).Parameters;
            var personal = fedPer?.PersonalModels[new PartyId(silo.Name)];
            return new Site(
                silo.Name, silo.Train.Rows, silo.Evaluation.Rows, silo.Train.Labels.Average(l => (double)l),
                Accuracy(federated.Global, silo.Evaluation), Accuracy(alone, silo.Evaluation), Accuracy(fineTuned, silo.Evaluation),
                personal is null ? double.NaN : Accuracy(personal, silo.Evaluation), Accuracy(ditto, silo.Evaluation),
                Distance(fineTuned, federated.Global), Distance(ditto, federated.Global));
        })];
    }

    // The four hospitals, each holding out a seeded fifth of its patients; statistics merged from every hospital's training rows.
    private static (IReadOnlyList<Silo> Silos, DataSchema Schema) Heart(ulong seed)
    {
        var samples = DemoDatasets.LocateSamples();
        var schema = DataSchema.Parse(File.ReadAllText(Path.Combine(samples, "heart", "schema.json")), "samples/heart/schema.json");
        var tables = Hospitals.Select(site =>
        {
            var lines = DemoDatasets.DataLines(Path.Combine(samples, "data", "uci-heart-disease", $"processed.{site}.data"));
            DemoDatasets.Shuffle(lines, new Random((int)seed));
            var held = Math.Max(1, lines.Count / 5);
            return (Site: site,
                Train: TableReader.Read(new StringReader(string.Join('\n', lines[held..])), $"{site}.train", schema),
                Evaluation: TableReader.Read(new StringReader(string.Join('\n', lines[..held])), $"{site}.eval", schema));
        }).ToList();

        // The federation's statistics: merged from every hospital's (counts and sums, no rows), as a run agrees them.
        var statistics = FeatureStatistics.Merge(tables.Select(t => FeatureStatistics.Compute(t.Train)));
        return ([.. tables.Select(t => new Silo(t.Site, FeatureEncoder.Encode(t.Train, schema, statistics), FeatureEncoder.Encode(t.Evaluation, schema, statistics)))], schema);
    }

    // UCI Adult's training file dealt to parties with Dirichlet(α) label proportions (Hsu et al. 2019) from dealSeed; each
    // party holds out a fifth of its rows, drawn from the repeat's seed. The encoding's statistics (means, deviations,
    // category counts) are the whole file's, held-out rows included: a federation would merge its training rows' only.
    private static (IReadOnlyList<Silo> Silos, DataSchema Schema) Adult(Settings settings, ulong dealSeed)
    {
        var samples = DemoDatasets.LocateSamples();
        var schema = DataSchema.Parse(File.ReadAllText(Path.Combine(samples, "adult", "schema.json")), "samples/adult/schema.json");
        var table = TableReader.Read(new StringReader(string.Join('\n', DemoDatasets.DataLines(Path.Combine(samples, "data", "uci-adult", "adult.data")))), "adult.data", schema);
        var encoded = FeatureEncoder.Encode(table, schema, FeatureStatistics.Compute(table));
        var parts = Partitioner.Dirichlet(encoded.Labels, 2, settings.AdultParties, settings.AdultAlpha, new Random((int)dealSeed));
        var random = new Random((int)settings.Seed);
        var width = settings.AdultParties.ToString(CultureInfo.InvariantCulture).Length;
        return ([.. parts.Select((rows, i) =>
        {
            var shuffled = rows.ToArray();
            random.Shuffle(shuffled);
            var held = Math.Max(1, shuffled.Length / 5);
            return new Silo($"party-{(i + 1).ToString("D" + width, CultureInfo.InvariantCulture)}", encoded.Select(shuffled.AsSpan(held)), encoded.Select(shuffled.AsSpan(0, held)));
        }).Where(s => s.Train.Rows > 0)], schema);
    }
}
