using System.Diagnostics;
using Causeway.Cli.Composition;
using Causeway.Core.Data;
using Causeway.Core.Metrics;
using Causeway.Core.Models;
using Causeway.Core.Training;
using Causeway.Federation.Transfer;
using Causeway.Federation.Vertical.Training;

namespace Causeway.Cli.Bench;

/// <summary>
/// <c>causeway bench ftl</c>: federated transfer learning across feature spaces on UCI Adult split by columns. A census
/// bureau (the source) holds the demographic columns (without native-country and fnlwgt, whose 42 encoded columns would
/// double the protected exchange for little signal) and the income label of its rows; an employer (the target) holds the
/// work columns (workclass, occupation, hours, capital gain and loss) of other people, a few of whom the census also
/// holds (the overlap, as PSI would find it). The target scores its held-out people from its own columns.
/// </summary>
/// <remarks>
/// Against the target alone: logistic regression on its columns, trained on the overlap rows with their labels, the same
/// labelled individuals FTL learns from, as if the target had labelled them itself. Both are scored on adult.test in the
/// target's columns: accuracy at 0.5 and ROC AUC.
/// </remarks>
internal static class TransferBench
{
    private static readonly Dictionary<string, string> Columns = new(StringComparer.Ordinal)
    {
        ["age"] = "census", ["education"] = "census", ["education-num"] = "census", ["marital-status"] = "census", ["relationship"] = "census",
        ["race"] = "census", ["sex"] = "census", ["native-country"] = "nobody", ["fnlwgt"] = "nobody",
        ["capital-gain"] = "employer", ["capital-loss"] = "employer", ["workclass"] = "employer", ["occupation"] = "employer", ["hours-per-week"] = "employer",
    };

    public sealed record Settings
    {
        /// <summary>The source's rows (labelled). Default 2,000.</summary>
        public int SourceRows { get; init; } = 2000;

        /// <summary>The target's rows; the overlap is a share of them. Default 1,000.</summary>
        public int TargetRows { get; init; } = 1000;

        /// <summary>Test rows of adult.test, in the target's columns. Default 4,000.</summary>
        public int TestRows { get; init; } = 4000;

        /// <summary>The overlaps measured, as shares of the target's rows. Default 1 %, 5 %, 20 %.</summary>
        public IReadOnlyList<double> Overlaps { get; init; } = [0.01, 0.05, 0.20];

        public TransferOptions Transfer { get; init; } = new();

        /// <summary>Seeds (rows drawn, weights initialised) every figure is averaged over: seed, seed + 1, ... Default 1.</summary>
        public int Repeats { get; init; } = 1;

        public ulong Seed { get; init; } = 42;
    }

    /// <param name="Overlap">The share of the target's rows the source also holds.</param>
    /// <param name="OverlapRows">How many rows that is.</param>
    /// <param name="TargetAccuracy">FTL's accuracy on the test rows.</param>
    /// <param name="TargetAuc">FTL's ROC AUC.</param>
    /// <param name="AloneAccuracy">The target alone's accuracy.</param>
    /// <param name="AloneAuc">The target alone's ROC AUC.</param>
    /// <param name="Seconds">FTL's training time (both parties, in one process: their CPU adds up).</param>
    public sealed record Point(double Overlap, int OverlapRows, double TargetAccuracy, double TargetAuc, double AloneAccuracy, double AloneAuc, double Seconds);

    /// <summary>Every overlap's figures, the mean over <see cref="Settings.Repeats"/> seeds.</summary>
    public static IReadOnlyList<Point> Run(Settings settings, IProgress<(string Stage, int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        var runs = Enumerable.Range(0, settings.Repeats)
            .Select(r => RunOnce(settings with { Seed = settings.Seed + (ulong)r }, progress, cancellationToken))
            .ToList();
        return [.. runs[0].Select((first, i) =>
        {
            double Mean(Func<Point, double> metric) => runs.Average(r => metric(r[i]));
            return new Point(
                first.Overlap, first.OverlapRows, Mean(p => p.TargetAccuracy), Mean(p => p.TargetAuc), Mean(p => p.AloneAccuracy), Mean(p => p.AloneAuc), Mean(p => p.Seconds));
        })];
    }

    private static List<Point> RunOnce(Settings settings, IProgress<(string Stage, int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        var samples = DemoDatasets.LocateSamples();
        var schema = DataSchema.Load(Path.Combine(samples, "adult", "schema.json"));
        var trainTable = TableReader.Read(Path.Combine(samples, "data", "uci-adult", "adult.data"), schema);
        var testTable = TableReader.Read(Path.Combine(samples, "data", "uci-adult", "adult.test"), schema);
        var statistics = FeatureStatistics.Compute(trainTable);
        var train = FeatureEncoder.Encode(trainTable, schema, statistics);
        var test = FeatureEncoder.Encode(testTable, schema, statistics);
        var split = VerticalSplit.Create(schema, ["census", "employer", "nobody"], Columns);

        var random = new Random((int)settings.Seed);
        var order = Enumerable.Range(0, train.Rows).ToArray();
        random.Shuffle(order);
        var testOrder = Enumerable.Range(0, test.Rows).ToArray();
        random.Shuffle(testOrder);
        var testRows = test.Select(testOrder.AsSpan(0, Math.Min(settings.TestRows, test.Rows)));
        var testTarget = split.Split(testRows)[1];

        var points = new List<Point>();
        foreach (var share in settings.Overlaps)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // The source's rows are order[0, S); the target's are the last `overlap` of them and then rows no one else holds.
            var overlap = Math.Max(2, (int)Math.Round(share * settings.TargetRows));
            var sourceRows = order[..settings.SourceRows];
            var targetRows = order[(settings.SourceRows - overlap)..(settings.SourceRows - overlap + settings.TargetRows)];
            var source = train.Select(sourceRows);
            var target = train.Select(targetRows);
            var pairs = Enumerable.Range(0, overlap).Select(i => (Source: settings.SourceRows - overlap + i, Target: i)).ToList();

            var started = Stopwatch.GetTimestamp();
            var stage = $"FTL, overlap {share:P0} ({overlap} rows), seed {settings.Seed}";
            var model = FederatedTransfer.Train(
                split.Split(source)[0], source.Labels, split.Split(target)[1], pairs, settings.Transfer with { Seed = settings.Seed },
                new Progress<int>(epoch => progress?.Report((stage, epoch, settings.Transfer.Epochs))));
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var scores = model.Predict(testTarget);

            var alone = Alone(split.Split(target.Select([.. Enumerable.Range(0, overlap)]))[1], target.Labels[..overlap], testTarget, settings.Seed);
            points.Add(new Point(
                share, overlap, Accuracy(scores, testRows.Labels), ClassificationMetrics.RocAuc(scores, testRows.Labels),
                Accuracy(alone, testRows.Labels), ClassificationMetrics.RocAuc(alone, testRows.Labels), seconds));
        }

        return points;
    }

    // Logistic regression on the target's columns and its few labelled rows (full batch, as many epochs as it takes).
    private static float[] Alone(VerticalPartyData labelled, ReadOnlySpan<float> labels, VerticalPartyData test, ulong seed)
    {
        var spec = ModelSpec.LogisticRegression(labelled.Columns);
        var network = new DenseNetwork(spec);
        var data = new TabularData(labelled.Features.ToArray(), labels.ToArray(), labelled.Columns);
        var plan = new TrainingPlan { Epochs = 200, BatchSize = 0, LearningRate = 0.5f, WeightDecay = 0.001f };
        var parameters = CentralizedTrainer.Train(network, data, plan, seed);
        var scores = new float[test.Rows];
        network.Predict(parameters, test.Features, test.Rows, scores);
        return scores;
    }

    private static double Accuracy(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        var right = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            right += (scores[i] >= 0.5f) == (labels[i] > 0.5f) ? 1 : 0;
        }

        return (double)right / scores.Length;
    }
}
