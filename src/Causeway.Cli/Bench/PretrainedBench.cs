using System.Diagnostics;
using System.Numerics.Tensors;
using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Simulation;
using Causeway.Onnx.Encoders;

namespace Causeway.Cli.Bench;

/// <summary>
/// <c>causeway bench pretrained</c>: a federated head on the features of a frozen pretrained encoder (ImageNet ResNet18,
/// run at each party through ONNX Runtime) against the same head trained centrally, and against the MLP on raw pixels.
/// </summary>
/// <remarks>
/// <para>
/// Fashion-MNIST: a seeded subset of <see cref="Settings.TrainImages"/> training and <see cref="Settings.TestImages"/> test
/// images. Each image goes through <see cref="ResNet18Features"/> once (the party would do this when it loads its data:
/// the encoder is frozen, so its features do not change between rounds); the features are standardised with the training
/// set's means and deviations, which is what the federation's merged statistics give. The training images are dealt IID
/// to <see cref="Settings.Parties"/> parties.
/// </para>
/// <list type="bullet">
/// <item><b>federated head</b>: softmax regression on the 512 features, FedAvg, <see cref="Settings.Rounds"/> rounds of one local epoch;</item>
/// <item><b>centralised head</b>: the same model and plan on the pooled features, for as many epochs as the federation made passes (the simulator's baseline);</item>
/// <item><b>raw MLP</b>: the 2NN of McMahan et al. (2017) (hidden 200, 200) on the raw pixels, FedAvg with the same rounds and parties.</item>
/// </list>
/// The features are cached under .causeway/cache: extracting them costs about 40 ms per image on 2 cores.
/// </remarks>
internal static class PretrainedBench
{
    public sealed record Settings
    {
        public required string DataDirectory { get; init; }

        /// <summary>Where scripts/install-resnet18.sh put the graphs.</summary>
        public required string ModelDirectory { get; init; }

        /// <summary>Where the features are cached; null: not cached.</summary>
        public string? CacheDirectory { get; init; }

        /// <summary>Training images (of 60,000), dealt to the parties. Default 3,000.</summary>
        public int TrainImages { get; init; } = 3000;

        /// <summary>Test images (of 10,000). Default 1,000.</summary>
        public int TestImages { get; init; } = 1000;

        /// <summary>Parties the training images are dealt to, IID. Default 5.</summary>
        public int Parties { get; init; } = 5;

        /// <summary>FedAvg rounds of one local epoch. Default 20.</summary>
        public int Rounds { get; init; } = 20;

        /// <summary>ONNX Runtime threads per image. Default 2 (this machine's cores).</summary>
        public int Threads { get; init; } = 2;

        public ulong Seed { get; init; } = 42;
    }

    /// <param name="FederatedHead">Test accuracy of the FedAvg head on the features.</param>
    /// <param name="CentralizedHead">Of the same head trained on the pooled features.</param>
    /// <param name="RawMlp">Of the FedAvg 2NN on raw pixels.</param>
    /// <param name="SecondsPerRound">Median wall time of a round of the federated head (in process: the parties' training and the aggregation).</param>
    /// <param name="RawSecondsPerRound">The same for the raw MLP.</param>
    /// <param name="ExtractSecondsPerImage">ResNet18's time per image at a party (0 when the features came from the cache).</param>
    /// <param name="HeadParameters">Values a party sends per round for the head.</param>
    /// <param name="RawParameters">And for the raw MLP.</param>
    public sealed record Result(
        double FederatedHead, double CentralizedHead, double RawMlp, double SecondsPerRound, double RawSecondsPerRound, double ExtractSecondsPerImage, int HeadParameters, int RawParameters);

    public static async Task<Result> RunAsync(Settings settings, IProgress<(string Stage, int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        var all = FashionMnistData.Load(settings.DataDirectory);
        var random = new Random((int)settings.Seed);
        var trainRows = Sample(all.Train.Rows, settings.TrainImages, random);
        var testRows = Sample(all.Test!.Rows, settings.TestImages, random);
        var train = all.Train.Select(trainRows);
        var test = all.Test.Select(testRows);

        var (trainFeatures, testFeatures, extractSeconds) = Features(settings, train, test, progress, cancellationToken);
        Standardise(trainFeatures, testFeatures);

        var headConfig = Config(settings, new ModelConfig { Type = ModelType.Softmax }, learningRate: 0.05f);
        var head = await new Simulator().RunAsync(
            headConfig, new SimulationData(trainFeatures, testFeatures, LearningTask.MulticlassClassification, 10), new RoundCounter(progress, "federated head", settings.Rounds), cancellationToken);
        var rawConfig = Config(settings, new ModelConfig { Type = ModelType.Mlp, Hidden = [200, 200] }, learningRate: 0.1f) with
        {
            Evaluation = new EvaluationConfig { EveryRounds = settings.Rounds },
        };
        var raw = await new Simulator().RunAsync(
            rawConfig, new SimulationData(train, test, LearningTask.MulticlassClassification, 10), new RoundCounter(progress, "raw-pixel MLP", settings.Rounds), cancellationToken);

        static double Median(RunResult result) => result.Rounds.Select(r => r.Seconds).Order().ElementAt(result.Rounds.Count / 2);
        return new Result(
            head.Final?.Accuracy ?? double.NaN, head.Centralized?.Accuracy ?? double.NaN, raw.Final?.Accuracy ?? double.NaN, Median(head), Median(raw),
            extractSeconds, head.Global.Length, raw.Global.Length);
    }

    private static RunConfig Config(Settings settings, ModelConfig model, float learningRate) => new()
    {
        Name = "bench-pretrained",
        Seed = settings.Seed,
        Rounds = settings.Rounds,
        Model = model,
        Training = new TrainingConfig { Epochs = 1, BatchSize = 32, LearningRate = learningRate },
        Partition = new PartitionConfig { Scheme = PartitionScheme.Iid, Parties = settings.Parties },
        Sampling = new SamplingConfig { Fraction = 1 },
        Evaluation = new EvaluationConfig { EveryRounds = settings.Rounds, Centralized = true },
    };

    private static int[] Sample(int rows, int count, Random random)
    {
        var order = Enumerable.Range(0, rows).ToArray();
        random.Shuffle(order);
        return order[..Math.Min(count, rows)];
    }

    // The encoder's features of every image, from the cache when an earlier run of the same subset left them there.
    private static (TabularData Train, TabularData Test, double SecondsPerImage) Features(
        Settings settings, TabularData train, TabularData test, IProgress<(string, int, int)>? progress, CancellationToken cancellationToken)
    {
        var cache = settings.CacheDirectory is { } directory
            ? Path.Combine(directory, $"resnet18-fashion-mnist-{settings.TrainImages}-{settings.TestImages}-{settings.Seed}.f32")
            : null;
        var total = train.Rows + test.Rows;
        var features = new float[total * ResNet18Features.Width];
        double secondsPerImage = 0;
        if (cache is not null && File.Exists(cache) && new FileInfo(cache).Length == features.Length * sizeof(float))
        {
            using var stream = File.OpenRead(cache);
            stream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(features.AsSpan()));
        }
        else
        {
            using var encoder = new ResNet18Features(settings.ModelDirectory, settings.Threads);
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < total; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (data, row) = i < train.Rows ? (train, i) : (test, i - train.Rows);
                encoder.Extract(data.Features.AsSpan(row * data.Columns, data.Columns), 28, features.AsSpan(i * ResNet18Features.Width, ResNet18Features.Width));
                progress?.Report(("ResNet18 features", i + 1, total));
            }

            secondsPerImage = Stopwatch.GetElapsedTime(started).TotalSeconds / total;
            if (cache is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(cache)!);
                File.WriteAllBytes(cache, System.Runtime.InteropServices.MemoryMarshal.AsBytes(features.AsSpan()).ToArray());
            }
        }

        var width = ResNet18Features.Width;
        return (
            new TabularData(features[..(train.Rows * width)], train.Labels.ToArray(), width),
            new TabularData(features[(train.Rows * width)..], test.Labels.ToArray(), width),
            secondsPerImage);
    }

    // z = (x − mean) / sd per feature, with the training rows' mean and sd (a constant feature is centred only).
    private static void Standardise(TabularData train, TabularData test)
    {
        var width = train.Columns;
        var mean = new double[width];
        var square = new double[width];
        for (var r = 0; r < train.Rows; r++)
        {
            for (var c = 0; c < width; c++)
            {
                double v = train.Features[(r * width) + c];
                mean[c] += v;
                square[c] += v * v;
            }
        }

        var shift = new float[width];
        var scale = new float[width];
        for (var c = 0; c < width; c++)
        {
            var m = mean[c] / train.Rows;
            var sd = Math.Sqrt(Math.Max(0, (square[c] / train.Rows) - (m * m)));
            shift[c] = (float)m;
            scale[c] = sd > 1e-12 ? (float)(1 / sd) : 1f;
        }

        foreach (var data in new[] { train, test })
        {
            for (var r = 0; r < data.Rows; r++)
            {
                var row = data.Features.AsSpan(r * width, width);
                TensorPrimitives.Subtract(row, shift, row);
                TensorPrimitives.Multiply(row, scale, row);
            }
        }
    }

    // Reports each closed round of a simulated run as progress.
    private sealed class RoundCounter(IProgress<(string, int, int)>? progress, string stage, int rounds) : IRunObserver
    {
        public ValueTask OnRoundCompletedAsync(RoundSummary summary, RunCheckpoint checkpoint, CancellationToken cancellationToken)
        {
            progress?.Report((stage, summary.Round, rounds));
            return ValueTask.CompletedTask;
        }
    }
}
