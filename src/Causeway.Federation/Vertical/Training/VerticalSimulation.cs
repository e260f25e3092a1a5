using System.Diagnostics;
using Causeway.Core.Data;
using Causeway.Core.Metrics;
using Causeway.Privacy.Paillier;

namespace Causeway.Federation.Vertical.Training;

/// <summary>
/// Runs a <see cref="VerticalSimulationConfig"/>: reads and encodes the table (each party standardises only its own
/// columns, which is what column-wise statistics amount to), splits the columns among the parties, trains the
/// centralized model on the joined columns and the vertical model(s), and scores all of them on the held-out rows.
/// </summary>
public static class VerticalSimulation
{
    /// <summary>Runs the simulation.</summary>
    /// <param name="config">The validated config.</param>
    /// <param name="createKey">Makes the Paillier key for a modulus size; <see cref="PaillierPrivateKey.Generate"/> (≥ 2048 bits) when null.</param>
    /// <param name="progress">Receives a line per stage.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <exception cref="VerticalConfigException">The column map does not fit the schema.</exception>
    /// <exception cref="DataFormatException">A data file does not fit the schema.</exception>
    public static VerticalSimulationResult Run(VerticalSimulationConfig config, Func<int, PaillierPrivateKey>? createKey = null, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var schema = DataSchema.Load(config.Data.Schema);
        var (trainTable, testTable) = ReadSplit(config, schema);
        var statistics = FeatureStatistics.Compute(trainTable);
        var train = FeatureEncoder.Encode(trainTable, schema, statistics);
        var test = FeatureEncoder.Encode(testTable, schema, statistics);
        var split = VerticalSplit.Create(schema, config.Parties, config.Columns);
        var trainParts = split.Split(train);
        var testParts = split.Split(test);
        var all = new VerticalPartyData(train.Features, train.Rows, train.Columns, train.FeatureNames);
        var allTest = new VerticalPartyData(test.Features, test.Rows, test.Columns, test.FeatureNames);
        var scores = new List<VerticalScore>();
        var linear = config.Model.Type != VerticalModelType.SplitNn;
        var options = new HeteroLinearOptions
        {
            Epochs = config.Training.Epochs,
            BatchSize = config.Training.BatchSize,
            LearningRate = config.Training.LearningRate,
            L2 = config.Training.L2,
            Seed = (ulong)config.Seed,
            Encryption = VerticalEncryption.None,
            Loss = config.Model.Type == VerticalModelType.Linear ? VerticalLoss.Squared : VerticalLoss.Logistic,
        };

        progress?.Report($"centralized model on {train.Rows} rows x {train.Columns} features");
        scores.Add(Timed("centralized", train.Rows, test.Labels, () => linear
            ? new HeteroLinearTraining(all, train.Labels, [], options, null).Train(cancellationToken: cancellationToken).Predict(allTest, [])
            : SplitNetworkTraining.Create([all], train.Labels, SplitOptions(config)).Train(cancellationToken).Predict([allTest])));

        progress?.Report($"vertical model, {split.Parties.Count} parties, plain");
        SplitNetworkModel? splitNetwork = null;
        scores.Add(Timed("vertical (plain)", train.Rows, test.Labels, () => linear
            ? new HeteroLinearTraining(trainParts[0], train.Labels, trainParts[1..], options, null).Train(cancellationToken: cancellationToken).Predict(testParts[0], testParts[1..])
            : (splitNetwork = SplitNetworkTraining.Create(trainParts, train.Labels, SplitOptions(config)).Train(cancellationToken)).Predict(testParts)));

        // With an arbiter the guest never sees u, so the logistic residual must be the Taylor one (Hardy et al. 2017).
        var verticalOptions = config.Encryption.Mode == VerticalEncryption.Arbiter && options.Loss == VerticalLoss.Logistic ? options with { Loss = VerticalLoss.TaylorLogistic } : options;
        if (config.Model.Type == VerticalModelType.Logistic)
        {
            progress?.Report($"vertical model, {split.Parties.Count} parties, plain, Taylor-approximated loss");
            scores.Add(Timed("vertical (plain, Taylor loss)", train.Rows, test.Labels, () =>
                new HeteroLinearTraining(trainParts[0], train.Labels, trainParts[1..], options with { Loss = VerticalLoss.TaylorLogistic }, null)
                    .Train(cancellationToken: cancellationToken).Predict(testParts[0], testParts[1..])));
        }

        if (linear && config.Encryption.Mode != VerticalEncryption.None)
        {
            var rows = Math.Min(config.Encryption.Rows ?? train.Rows, train.Rows);
            var subset = BatchPlan.Batches(train.Rows, rows, (ulong)config.Seed, epoch: -1)[0];
            var parts = trainParts.Select(p => p.Select(subset)).ToArray();
            var labels = subset.Select(i => train.Labels[i]).ToArray();
            if (rows < train.Rows)
            {
                progress?.Report($"vertical model, plain, on the {rows} rows the encrypted run uses");
                scores.Add(Timed($"vertical (plain, {Describe(verticalOptions.Loss)}, {rows} rows)", rows, test.Labels, () =>
                    new HeteroLinearTraining(parts[0], labels, parts[1..], verticalOptions, null).Train(cancellationToken: cancellationToken).Predict(testParts[0], testParts[1..])));
            }

            using var key = (createKey ?? (bits => PaillierPrivateKey.Generate(bits)))(config.Encryption.KeyBits);
            var mode = config.Encryption.Mode == VerticalEncryption.Arbiter ? "arbiter" : "two-party";
            progress?.Report($"vertical model, {mode}, Paillier-{key.PublicKey.Bits}, {rows} rows");
            scores.Add(Timed($"vertical ({mode}, Paillier-{key.PublicKey.Bits}, {Describe(verticalOptions.Loss)}, {rows} rows)", rows, test.Labels, () =>
                new HeteroLinearTraining(parts[0], labels, parts[1..], verticalOptions with { Encryption = config.Encryption.Mode }, key)
                    .Train(cancellationToken: cancellationToken).Predict(testParts[0], testParts[1..])));
        }

        return new VerticalSimulationResult(config.Name, train.Rows, test.Rows, split.Parties, [.. split.Features.Select(f => f.Length)], scores)
        {
            SplitNetwork = splitNetwork is null ? null : new TrainedSplitNetwork(schema, statistics, split.Parties, config.Columns, splitNetwork),
        };
    }

    private static string Describe(VerticalLoss loss) => loss switch
    {
        VerticalLoss.TaylorLogistic => "Taylor loss",
        VerticalLoss.Logistic => "exact loss",
        _ => "squared loss",
    };

    private static SplitNetworkOptions SplitOptions(VerticalSimulationConfig config) => new()
    {
        Hidden = config.Model.Hidden,
        Embedding = config.Model.Embedding,
        Epochs = config.Training.Epochs,
        BatchSize = config.Training.BatchSize,
        LearningRate = config.Training.LearningRate,
        Seed = (ulong)config.Seed,
    };

    private static (DataTable Train, DataTable Test) ReadSplit(VerticalSimulationConfig config, DataSchema schema)
    {
        var table = TableReader.Read(config.Data.Train, schema);
        if (config.Data.Test is { } testPath)
        {
            return (table, TableReader.Read(testPath, schema));
        }

        var order = BatchPlan.Batches(table.Rows, table.Rows, (ulong)config.Seed, epoch: -2)[0];
        var testRows = (int)Math.Round(table.Rows * config.Data.TestFraction);
        return (table.Select(order.AsSpan(testRows)), table.Select(order.AsSpan(0, testRows)));
    }

    private static VerticalScore Timed(string model, int rows, float[] labels, Func<double[]> trainAndPredict)
    {
        var clock = Stopwatch.StartNew();
        var predictions = trainAndPredict();
        var seconds = clock.Elapsed.TotalSeconds;
        var scores = predictions.Select(p => (float)p).ToArray();
        return new VerticalScore(model, rows, ClassificationMetrics.Accuracy(scores, labels), ClassificationMetrics.RocAuc(scores, labels), seconds);
    }
}
