using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Bench;
using Causeway.Cli.Composition;
using Causeway.Cli.Output;
using Causeway.Onnx.Encoders;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway bench pretrained</c>: a federated head on frozen ResNet18 features against the same head trained centrally and the MLP on raw pixels.</summary>
internal static class BenchPretrainedCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var defaults = new PretrainedBench.Settings { DataDirectory = FashionMnistData.DefaultDirectory, ModelDirectory = ResNet18Features.InstallDirectory };
        var dataDir = new Option<DirectoryInfo>("--data-dir")
        {
            Description = "The directory holding the gzipped Fashion-MNIST IDX files (Debian's dataset-fashion-mnist; the bench installs it when missing).",
            HelpName = "DIR",
            DefaultValueFactory = _ => new DirectoryInfo(FashionMnistData.DefaultDirectory),
        };
        var train = new Option<int>("--train-images") { Description = "Training images (a seeded subset of 60,000), dealt to the parties.", DefaultValueFactory = _ => defaults.TrainImages };
        var test = new Option<int>("--test-images") { Description = "Test images (a seeded subset of 10,000).", DefaultValueFactory = _ => defaults.TestImages };
        var parties = new Option<int>("--parties") { Description = "Parties the training images are dealt to, IID.", DefaultValueFactory = _ => defaults.Parties };
        var rounds = new Option<int>("--rounds") { Description = "FedAvg rounds of one local epoch, for the head and for the raw MLP.", DefaultValueFactory = _ => defaults.Rounds };
        var seed = CliOptions.Seed();
        var report = CliOptions.Report();
        var command = new Command(
            "pretrained",
            "Transfer from a frozen pretrained encoder: ImageNet ResNet18 (from Microsoft.ML.DnnImageFeaturizer.ResNet18, installed by scripts/install-resnet18.sh) turns each party's Fashion-MNIST images into 512 features; a softmax head is trained on them by FedAvg and centrally, against the MLP on raw pixels.")
        {
            dataDir, train, test, parties, rounds, seed, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var directory = parse.GetValue(dataDir)!.FullName;
            if (FashionMnistData.Ensure(directory, Console.Out) is { } error)
            {
                Console.Error.WriteLine($"bench pretrained: {error}");
                return 2;
            }

            var (modelDirectory, problem) = ResNet18Install.Ensure();
            if (modelDirectory is null)
            {
                Console.Error.WriteLine($"bench pretrained: {problem}.");
                return 1;
            }

            var root = Path.GetDirectoryName(DemoDatasets.LocateSamples())!;
            var settings = defaults with
            {
                DataDirectory = directory, ModelDirectory = modelDirectory,
                CacheDirectory = Path.Combine(root, ".causeway", "cache"),
                TrainImages = parse.GetValue(train), TestImages = parse.GetValue(test), Parties = parse.GetValue(parties), Rounds = parse.GetValue(rounds), Seed = parse.GetValue(seed),
            };
            if (settings.TrainImages is < 10 or > 60_000 || settings.TestImages is < 10 or > 10_000 || settings.Parties < 1 || settings.Parties > settings.TrainImages || settings.Rounds < 1)
            {
                Console.Error.WriteLine("bench pretrained: --train-images must be 10 to 60,000, --test-images 10 to 10,000, --parties 1 to the training images, --rounds at least 1.");
                return 2;
            }

            var loadBefore = LoadAverage.Read();
            PretrainedBench.Result result = null!;
            await BenchProgress.StartAsync(async progress => result = await PretrainedBench.RunAsync(settings, BenchProgress.Stages(progress), cancellationToken));
            var loadAfter = LoadAverage.Read();

            var table = new Table()
                .Title(Markup.Escape($"Fashion-MNIST, {settings.TrainImages} training / {settings.TestImages} test images, {settings.Parties} parties (IID), {settings.Rounds} FedAvg rounds"))
                .AddColumns("model", "test accuracy", "values sent per party-round", "median s/round");
            table.AddRow("federated head on frozen ResNet18 features", Percent(result.FederatedHead), result.HeadParameters.ToString("N0", Invariant), Seconds(result.SecondsPerRound));
            table.AddRow("the same head, trained centrally", Percent(result.CentralizedHead), "-", "-");
            table.AddRow("federated MLP (200, 200) on raw pixels", Percent(result.RawMlp), result.RawParameters.ToString("N0", Invariant), Seconds(result.RawSecondsPerRound));
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine(Markup.Escape(result.ExtractSecondsPerImage > 0
                ? string.Create(Invariant, $"ResNet18 at the parties: {1000 * result.ExtractSecondsPerImage:F1} ms per image, once per image (the encoder is frozen)")
                : "ResNet18 features from the cache (.causeway/cache); delete it to time the extraction"));
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("pretrained", loadBefore, loadAfter, new JsonObject
                {
                    ["encoder"] = "ImageNet ResNet18 (Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0), 512 pooled features, frozen",
                    ["train_images"] = settings.TrainImages, ["test_images"] = settings.TestImages, ["parties"] = settings.Parties, ["rounds"] = settings.Rounds, ["seed"] = settings.Seed,
                    ["federated_head_accuracy"] = result.FederatedHead,
                    ["centralized_head_accuracy"] = result.CentralizedHead,
                    ["raw_mlp_accuracy"] = result.RawMlp,
                    ["seconds_per_round"] = result.SecondsPerRound,
                    ["raw_mlp_seconds_per_round"] = result.RawSecondsPerRound,
                    ["extract_seconds_per_image"] = result.ExtractSecondsPerImage > 0 ? result.ExtractSecondsPerImage : null,
                    ["head_parameters"] = result.HeadParameters,
                    ["raw_mlp_parameters"] = result.RawParameters,
                }));
            }

            return 0;
        });
        return command;
    }

    private static string Percent(double value) => double.IsFinite(value) ? value.ToString("P2", Invariant) : "n/a";

    private static string Seconds(double value) => value.ToString("F4", Invariant);
}
