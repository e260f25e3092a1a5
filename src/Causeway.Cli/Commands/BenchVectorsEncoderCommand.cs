using System.CommandLine;
using System.Globalization;
using Causeway.Cli.Bench;
using Causeway.Cli.Composition;
using Causeway.Cli.Output;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway bench vectors-encoder</c>: kNN retrieval quality of the parties' stores with a federated encoder against party-local ones.</summary>
internal static class BenchVectorsEncoderCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var defaults = new VectorsEncoderBench.Settings { DataDirectory = FashionMnistData.DefaultDirectory, WorkDirectory = Path.Combine(".causeway", "bench-vectors-encoder") };
        var dataDir = new Option<DirectoryInfo>("--data-dir")
        {
            Description = "The directory holding the gzipped Fashion-MNIST IDX files (Debian's dataset-fashion-mnist; the bench installs it when missing).",
            HelpName = "DIR",
            DefaultValueFactory = _ => new DirectoryInfo(FashionMnistData.DefaultDirectory),
        };
        var parties = new Option<int>("--parties") { Description = "Parties, each with its own store and labelled images.", DefaultValueFactory = _ => defaults.Parties };
        var alpha = new Option<double>("--alpha") { Description = "Dirichlet concentration of the parties' label skew (smaller is more skewed).", DefaultValueFactory = _ => defaults.Alpha };
        var trainRows = new Option<int>("--train-rows") { Description = "Training images dealt to the parties.", DefaultValueFactory = _ => defaults.TrainRows };
        var queries = new Option<int>("--queries") { Description = "Test images asked as queries.", DefaultValueFactory = _ => defaults.Queries };
        var rounds = new Option<int>("--rounds") { Description = "FedAvg rounds (one local epoch each); a local encoder makes as many passes over its own rows.", DefaultValueFactory = _ => defaults.Rounds };
        var k = new Option<int>("-k") { Description = "Neighbours that vote.", DefaultValueFactory = _ => defaults.K };
        var seed = CliOptions.Seed();
        var workDirectory = new Option<DirectoryInfo?>("--work-dir")
        {
            Description = $"Where the bench writes the parties' stores: a new or empty folder, or one an earlier bench made (marked by {WorkFolder.MarkerFile}). Default: a new folder under {defaults.WorkDirectory}/.",
            HelpName = "DIR",
        };
        var report = CliOptions.Report();
        var command = new Command(
            "vectors-encoder",
            "Retrieval with a federated encoder: Fashion-MNIST dealt to parties with skewed labels, each party's images embedded into its own store; kNN accuracy of the test images with raw pixels, a party-local encoder and the FedAvg encoder, in the party's own store and over every store.")
        {
            dataDir, parties, alpha, trainRows, queries, rounds, k, seed, workDirectory, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var directory = parse.GetValue(dataDir)!.FullName;
            if (FashionMnistData.Ensure(directory, Console.Out) is { } error)
            {
                Console.Error.WriteLine($"bench vectors-encoder: {error}");
                return 2;
            }

            var settings = defaults with
            {
                DataDirectory = directory, Parties = parse.GetValue(parties), Alpha = parse.GetValue(alpha), TrainRows = parse.GetValue(trainRows),
                Queries = parse.GetValue(queries), Rounds = parse.GetValue(rounds), K = parse.GetValue(k), Seed = parse.GetValue(seed),
            };
            if (settings.Parties is < 1 or > 64 || settings.Alpha <= 0 || settings.TrainRows < settings.Parties || settings.Queries < 1 || settings.Rounds < 1 || settings.K < 1)
            {
                Console.Error.WriteLine("bench vectors-encoder: --parties must be 1 to 64, --alpha above 0, --train-rows at least the parties, and --queries, --rounds and -k at least 1.");
                return 2;
            }

            using var work = parse.GetValue(workDirectory) is { } named
                ? WorkFolder.Claim(named.FullName, "--work-dir", "causeway bench vectors-encoder")
                : WorkFolder.CreateUnique(defaults.WorkDirectory, "causeway bench vectors-encoder", TimeProvider.System);
            settings = settings with { WorkDirectory = work.Path };
            var loadBefore = LoadAverage.Read();
            VectorsEncoderBench.Result result = null!;
            await BenchProgress.StartAsync(async progress => result = await VectorsEncoderBench.RunAsync(settings, progress, cancellationToken));
            var loadAfter = LoadAverage.Read();

            var table = new Table()
                .Title(Markup.Escape(string.Create(Invariant, $"kNN accuracy (k = {settings.K}) of {result.Queries:N0} Fashion-MNIST test images: {settings.TrainRows:N0} training images over {settings.Parties} parties, Dirichlet α = {settings.Alpha}")))
                .AddColumns("party", "rows", "classes ≥ 5 %", "raw pixels, own store", "raw pixels, every store", "local encoder, own store", "federated encoder, own store", "federated encoder, every store", "local model's own accuracy");
            foreach (var p in result.Parties)
            {
                table.AddRow(
                    Markup.Escape(p.Party), p.Rows.ToString("N0", Invariant), p.ClassesHeld.ToString(Invariant), Percent(p.RawOwn), Percent(p.RawEvery),
                    Percent(p.LocalOwn), Percent(p.FederatedOwn), Percent(p.FederatedEvery), Percent(p.LocalModel));
            }

            table.AddRow(
                "mean", string.Empty, string.Empty, Percent(result.Parties.Average(p => p.RawOwn)), Percent(result.Parties.Average(p => p.RawEvery)),
                Percent(result.Parties.Average(p => p.LocalOwn)), Percent(result.Parties.Average(p => p.FederatedOwn)), Percent(result.Parties.Average(p => p.FederatedEvery)),
                Percent(result.Parties.Average(p => p.LocalModel)));
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine(Markup.Escape(string.Create(Invariant,
                $"federated model's own test accuracy {result.FederatedModelAccuracy:P1}; {result.Dimension}-value embeddings; training {result.FederatedSeconds:F0} s federated, {result.LocalSeconds:F0} s local; load {loadBefore ?? "-"} / {loadAfter ?? "-"}")));
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("vectors-encoder", loadBefore, loadAfter, result.ToJson()));
            }

            return 0;
        });
        return command;
    }

    private static string Percent(double value) => value.ToString("P1", Invariant);
}
