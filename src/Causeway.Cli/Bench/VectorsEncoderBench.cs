using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Core.Tensors;
using Causeway.Core.Training;
using Causeway.Federation.Configuration;
using Causeway.Federation.Simulation;
using Causeway.Vectors;
using Spectre.Console;

namespace Causeway.Cli.Bench;

/// <summary>
/// <c>causeway bench vectors-encoder</c>: does an encoder trained with FedAvg make the parties' vector stores better at
/// retrieval than an encoder each party trains alone? Fashion-MNIST's training images are dealt to parties with
/// Dirichlet-skewed labels; each party's store holds its own images as vectors; the test images are the queries; the
/// score is k-nearest-neighbour classification accuracy (a majority vote of the labels of the k nearest records).
/// </summary>
/// <remarks>
/// <para>
/// <b>Encoders.</b> One network shape (784 → hidden → embedding → 10 classes). The federated encoder is trained by FedAvg
/// over every party (the simulation's in-process rounds, the same round engine as the network); each local encoder by
/// the same trainer on one party's rows alone, for as many passes over them as the federation made. Vectors are the
/// last hidden layer (<see cref="DenseNetwork.Embed"/>).
/// </para>
/// <para>
/// <b>Stores and queries.</b> Each party's rows go into its own collection (flat, exact, L2) as the encoder embeds them,
/// with the label as payload. "Own store" searches the querier's collection only; "every store" asks each party's
/// collection for its top k and merges by distance, as the coordinator does (the federated search bench shows that merge
/// equal to one index over the union). A local encoder is only searched in its own store: other parties' vectors live in
/// other parties' spaces.
/// </para>
/// </remarks>
internal static class VectorsEncoderBench
{
    public sealed record Settings
    {
        public required string DataDirectory { get; init; }

        public required string WorkDirectory { get; init; }

        /// <summary>Parties. Default 4.</summary>
        public int Parties { get; init; } = 4;

        /// <summary>Dirichlet concentration of the label skew (smaller is more skewed). Default 0.3.</summary>
        public double Alpha { get; init; } = 0.3;

        /// <summary>Training images dealt to the parties (the first of the training set). Default 20,000.</summary>
        public int TrainRows { get; init; } = 20_000;

        /// <summary>Test images asked as queries (the first of the test set). Default 2,000.</summary>
        public int Queries { get; init; } = 2_000;

        /// <summary>FedAvg rounds (one epoch each at every party). Default 20.</summary>
        public int Rounds { get; init; } = 20;

        /// <summary>The hidden layers; the last is the embedding. Default 256, 64.</summary>
        public IReadOnlyList<int> Hidden { get; init; } = [256, 64];

        /// <summary>Neighbours that vote. Default 10.</summary>
        public int K { get; init; } = 10;

        public ulong Seed { get; init; } = 42;
    }

    /// <summary>One party's kNN accuracies (null where a setting does not apply).</summary>
    public sealed record PartyScores(
        string Party, int Rows, int ClassesHeld, double RawOwn, double RawEvery, double LocalOwn, double FederatedOwn, double FederatedEvery, double LocalModel)
    {
        public JsonObject ToJson() => new()
        {
            ["party"] = Party, ["rows"] = Rows, ["classes_held"] = ClassesHeld,
            ["raw_own_store"] = RawOwn, ["raw_every_store"] = RawEvery,
            ["local_encoder_own_store"] = LocalOwn, ["federated_encoder_own_store"] = FederatedOwn, ["federated_encoder_every_store"] = FederatedEvery,
            ["local_model_accuracy"] = LocalModel,
        };
    }

    public sealed record Result(IReadOnlyList<PartyScores> Parties, double FederatedModelAccuracy, int Dimension, double FederatedSeconds, double LocalSeconds, int Queries)
    {
        public JsonObject ToJson() => new()
        {
            ["parties"] = new JsonArray([.. Parties.Select(p => (JsonNode)p.ToJson())]),
            ["federated_model_accuracy"] = FederatedModelAccuracy,
            ["embedding_dimension"] = Dimension,
            ["federated_training_seconds"] = FederatedSeconds,
            ["local_training_seconds"] = LocalSeconds,
            ["queries"] = Queries,
        };
    }

    public static async Task<Result> RunAsync(Settings settings, ProgressContext progress, CancellationToken cancellationToken)
    {
        var full = FashionMnistData.Load(settings.DataDirectory);
        var train = full.Train.Select([.. Enumerable.Range(0, Math.Min(settings.TrainRows, full.Train.Rows))]);
        var test = full.Test!.Select([.. Enumerable.Range(0, Math.Min(settings.Queries, full.Test!.Rows))]);
        var data = new SimulationData(train, test, LearningTask.MulticlassClassification, 10);
        var config = new RunConfig
        {
            Name = "vectors-encoder",
            Seed = settings.Seed,
            Rounds = settings.Rounds,
            Model = new ModelConfig { Type = ModelType.Mlp, Hidden = [.. settings.Hidden] },
            Training = new TrainingConfig { Epochs = 1, BatchSize = 32, LearningRate = 0.05f },
            Partition = new PartitionConfig { Parties = settings.Parties, Scheme = PartitionScheme.Dirichlet, Alpha = settings.Alpha },
            Sampling = new SamplingConfig { Fraction = 1 },
            Evaluation = new EvaluationConfig { EveryRounds = settings.Rounds },
        };
        var spec = config.ToModelSpec(train.Columns, 10, LearningTask.MulticlassClassification);

        var federating = progress.AddTask($"FedAvg: {settings.Rounds} rounds over {settings.Parties} parties", maxValue: 1);
        var started = Stopwatch.GetTimestamp();
        var federated = await new Simulator().RunAsync(config, data, null, cancellationToken);
        var federatedSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        federating.Value = 1;

        var parts = Simulator.Partition(config, data);
        var local = progress.AddTask("each party's encoder, trained alone", maxValue: parts.Count);
        started = Stopwatch.GetTimestamp();
        var plan = config.ToTrainingPlan() with { Epochs = settings.Rounds };
        var locals = parts.Select(p =>
        {
            var trained = CentralizedTrainer.Train(new DenseNetwork(spec), train.Select(p.Rows), plan, settings.Seed, null, cancellationToken);
            local.Increment(1);
            return trained;
        }).ToList();
        var localSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var searching = progress.AddTask("stores and kNN queries", maxValue: parts.Count);
        var width = settings.Hidden[^1];
        var raw = Stores(settings.WorkDirectory, "raw", parts, p => Rows(train, p.Rows), train.Columns, train.Labels);
        var federatedStores = Stores(settings.WorkDirectory, "federated", parts, p => Embed(spec, federated.Global, train.Select(p.Rows)), width, train.Labels);
        var rawQueries = Rows(test, [.. Enumerable.Range(0, test.Rows)]);
        var federatedQueries = Embed(spec, federated.Global, test);
        var scores = new List<PartyScores>();
        for (var i = 0; i < parts.Count; i++)
        {
            var (party, rows) = parts[i];
            var ownSpace = Stores(settings.WorkDirectory, $"local-{i}", [parts[i]], p => Embed(spec, locals[i], train.Select(p.Rows)), width, train.Labels);
            scores.Add(new PartyScores(
                party.Value,
                rows.Length,
                rows.Select(r => train.Labels[r]).GroupBy(l => l).Count(g => g.Count() >= 0.05 * rows.Length),
                KnnAccuracy([raw[i]], rawQueries, test.Labels, settings.K),
                KnnAccuracy(raw, rawQueries, test.Labels, settings.K),
                KnnAccuracy(ownSpace, Embed(spec, locals[i], test), test.Labels, settings.K),
                KnnAccuracy([federatedStores[i]], federatedQueries, test.Labels, settings.K),
                KnnAccuracy(federatedStores, federatedQueries, test.Labels, settings.K),
                Core.Metrics.ModelEvaluator.Evaluate(new DenseNetwork(spec), locals[i], test).Accuracy ?? 0));
            ownSpace.ForEach(c => c.Dispose());
            searching.Increment(1);
        }

        raw.Concat(federatedStores).ToList().ForEach(c => c.Dispose());
        return new Result(scores, federated.Final?.Accuracy ?? 0, width, federatedSeconds, localSeconds, test.Rows);
    }

    private static float[][] Rows(TabularData table, int[] rows) => [.. rows.Select(r => table.Row(r).ToArray())];

    private static float[][] Embed(ModelSpec spec, ParameterSet parameters, TabularData table)
    {
        var network = new DenseNetwork(spec);
        var width = network.EmbeddingWidth;
        var values = new float[table.Rows * width];
        network.Embed(parameters, table.Features, table.Rows, values);
        return [.. Enumerable.Range(0, table.Rows).Select(r => values.AsSpan(r * width, width).ToArray())];
    }

    // One flat collection per party, its rows as the given vectors with their labels as payload.
    private static List<VectorCollection> Stores(
        string work, string name, IReadOnlyList<(Federation.PartyId Party, int[] Rows)> parts, Func<(Federation.PartyId Party, int[] Rows), float[][]> vectors, int dimension, float[] labels) =>
        [.. parts.Select(p =>
        {
            var collection = VectorCollection.Create(Path.Combine(work, name, p.Party.Value), new CollectionSpec("images", dimension, VectorMetric.L2));
            var embedded = vectors(p);
            collection.Upsert([.. embedded.Select((v, j) => new VectorRecord(
                p.Rows[j].ToString(CultureInfo.InvariantCulture), v, new JsonObject { ["label"] = (int)labels[p.Rows[j]] }))]);
            return collection;
        })];

    // The share of queries whose k nearest records (over the given collections, merged by distance) vote for their label.
    private static double KnnAccuracy(IReadOnlyList<VectorCollection> stores, float[][] queries, float[] labels, int k)
    {
        var correct = 0;
        Parallel.For(0, queries.Length, () => 0, (q, _, hits) =>
        {
            var nearest = stores.SelectMany(s => s.Search(queries[q], k)).OrderBy(h => h.Distance).Take(k).ToList();
            var vote = nearest.GroupBy(h => h.Payload!["label"]!.GetValue<int>())
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Min(h => h.Distance)).First().Key;
            return hits + (vote == (int)labels[q] ? 1 : 0);
        }, hits => Interlocked.Add(ref correct, hits));
        return (double)correct / queries.Length;
    }
}
