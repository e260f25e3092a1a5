using System.CommandLine;
using System.Globalization;
using Causeway.Cli.Bench;
using Causeway.Cli.Output;
using Causeway.Core.Data;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Recommendation;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway bench recsys</c>: federated collaborative filtering against the centralised model (<see cref="RecsysBench"/>).</summary>
internal static class BenchRecsysCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var defaults = new RecsysBench.Settings();
        var ratings = new Option<FileInfo>("--ratings")
        {
            Description = "A user,item,rating[,timestamp] file (comma, tab or :: separated, header optional).",
            HelpName = "FILE",
            DefaultValueFactory = _ => new FileInfo(defaults.RatingsPath),
        };
        var split = new Option<string>("--split") { Description = "random (80/20 of the ratings) or temporal (each user's latest rating held out).", DefaultValueFactory = _ => "random" };
        split.AcceptOnlyFromAmong("random", "temporal");
        var factors = new Option<int>("--factors") { Description = "The rank k of every model.", DefaultValueFactory = _ => defaults.Factors };
        var modes = new Option<string[]>("--modes")
        {
            Description = "Federated matrix factorisation runs, by aggregation: gradient, weighted, mean (the first is the one the top-level figures report).",
            DefaultValueFactory = _ => ["gradient", "weighted", "mean"],
            AllowMultipleArgumentsPerToken = true,
        };
        var rounds = new Option<int?>("--rounds") { Description = "Rounds of every federated run (default per mode: gradient 25, means 40, BPR 30)." };
        var silos = new Option<int?>("--silos") { Description = "Deal the users into this many silos (cross-silo) instead of one party per user." };
        var noBpr = new Option<bool>("--no-bpr") { Description = "Skip BPR; the top-K figures then come from matrix factorisation." };
        var synthetic = new Option<int?>("--synthetic-users") { Description = "Generate this many synthetic users instead of reading --ratings (a scale run).", HelpName = "N" };
        var syntheticItems = new Option<int>("--synthetic-items") { Description = "Catalogue size of the synthetic ratings.", DefaultValueFactory = _ => defaults.SyntheticItems };
        var perUser = new Option<int>("--ratings-per-user") { Description = "Ratings per synthetic user.", DefaultValueFactory = _ => defaults.RatingsPerUser };
        var dense = new Option<bool>("--dense") { Description = "Federated MF parties send dense updates (the whole catalogue) instead of only their rated items' rows." };
        var server = new Option<string>("--server")
        {
            Description = "Server optimizer of the gradient-sum MF run: sgd, momentum, adam, yogi or adagrad.",
            DefaultValueFactory = _ => "sgd",
        };
        server.AcceptOnlyFromAmong("sgd", "momentum", "adam", "yogi", "adagrad");
        var serverRate = new Option<float?>("--server-lr") { Description = "Server learning rate of the gradient-sum MF run (default 0.005 for sgd, 0.003 otherwise)." };
        var asyncRun = new Option<bool>("--async") { Description = "Also train the first mode's federated MF asynchronously (buffered, K = a tenth of the parties) on as many updates as its sync run." };
        var parallelism = new Option<int>("--parallelism") { Description = "Parties training at once.", DefaultValueFactory = _ => defaults.Parallelism };
        var seed = CliOptions.Seed();
        var report = CliOptions.Report();
        var command = new Command("recsys", "Federated collaborative filtering (MF and BPR, every user a party) vs the centralised model: RMSE, MAE, HR/NDCG@10, rounds/s.")
        {
            ratings, split, factors, modes, rounds, silos, noBpr, dense, server, serverRate, synthetic, syntheticItems, perUser, asyncRun, parallelism, seed, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var chosen = new List<ItemAggregation>();
            foreach (var mode in parse.GetValue(modes) ?? [])
            {
                ItemAggregation? parsed = mode.ToLowerInvariant() switch
                {
                    "gradient" => ItemAggregation.GradientSum,
                    "weighted" => ItemAggregation.WeightedMean,
                    "mean" => ItemAggregation.Mean,
                    _ => null,
                };
                if (parsed is not { } m)
                {
                    Console.Error.WriteLine($"bench recsys: --modes takes gradient, weighted and mean, not '{mode}'.");
                    return 2;
                }

                chosen.Add(m);
            }

            var settings = defaults with
            {
                RatingsPath = parse.GetValue(ratings)!.ToString(),
                Temporal = parse.GetValue(split) == "temporal",
                Factors = parse.GetValue(factors),
                Modes = chosen,
                Rounds = parse.GetValue(rounds),
                Silos = parse.GetValue(silos),
                Bpr = !parse.GetValue(noBpr),
                DenseUpdates = parse.GetValue(dense),
                SyntheticUsers = parse.GetValue(synthetic),
                SyntheticItems = parse.GetValue(syntheticItems),
                RatingsPerUser = parse.GetValue(perUser),
                Parallelism = parse.GetValue(parallelism),
                Async = parse.GetValue(asyncRun),
                Seed = parse.GetValue(seed),
                GradientServer = parse.GetValue(server) switch
                {
                    "momentum" => StrategyKind.FedAvgM,
                    "adam" => StrategyKind.FedAdam,
                    "yogi" => StrategyKind.FedYogi,
                    "adagrad" => StrategyKind.FedAdagrad,
                    _ => StrategyKind.FedAvg,
                },
                GradientServerLearningRate = parse.GetValue(serverRate),
            };
            if (settings.Factors is < 1 or > 1024 || settings.Rounds is < 1 || settings.Silos is < 1 || settings.Parallelism < 1 || settings.GradientServerLearningRate is not (null or > 0)
                || settings.SyntheticUsers is < 1 || settings.SyntheticItems < settings.RatingsPerUser || settings.RatingsPerUser < 1)
            {
                Console.Error.WriteLine(
                    "bench recsys: --factors from 1 to 1024, --rounds, --silos, --parallelism and --synthetic-users of at least 1, a positive --server-lr, and --synthetic-items at least --ratings-per-user are required.");
                return 2;
            }

            var loadBefore = LoadAverage.Read();
            RecsysBench.Dataset data;
            try
            {
                data = RecsysBench.Load(settings);
            }
            catch (Exception e) when (e is DataFormatException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                Console.Error.WriteLine($"bench recsys: {e.Message}");
                return 2;
            }

            if (settings.Silos > data.Ratings.UserCount)
            {
                Console.Error.WriteLine($"bench recsys: --silos {settings.Silos} is more than the {data.Ratings.UserCount} users.");
                return 2;
            }

            AnsiConsole.MarkupLine(Markup.Escape(
                $"{data.Name}: {data.Ratings.Count:N0} ratings, {data.Ratings.UserCount:N0} users, {data.Ratings.ItemCount:N0} items; "
                + $"{(settings.Temporal ? "temporal leave-last-out" : "random 80/20")}: {data.Split.Train.Count:N0} train / {data.Split.Test.Count:N0} test"));
            RecsysBench.Result result = null!;
            await BenchProgress.StartAsync(async progress => result = await RecsysBench.RunAsync(settings, data, progress, cancellationToken));
            var loadAfter = LoadAverage.Read();
            Write(result, loadBefore, loadAfter);
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("recsys", loadBefore, loadAfter, RecsysBench.ToJson(result)));
            }

            return 0;
        });
        return command;
    }

    private static void Write(RecsysBench.Result result, string? loadBefore, string? loadAfter)
    {
        var table = new Table()
            .Title($"Federated vs centralised recommendation, k = {result.Settings.Factors}; HR/NDCG: held-out item vs 99 sampled negatives, full: whole catalogue")
            .AddColumns("model", "parties", "rounds", "RMSE", "MAE", "HR@10", "NDCG@10", "full HR@10", "full NDCG@10", "train s", "rounds/s", "CPU ms/round");
        foreach (var run in result.Runs)
        {
            var mf = run.Kind == RecommenderKind.MatrixFactorization;
            table.AddRow(
                Markup.Escape(run.Label),
                run.Parties.ToString("N0", Invariant),
                run.Rounds.Count == 0 ? "-" : run.Rounds.Count.ToString(Invariant),
                run.Diverged ? "diverged" : mf ? F4(run.Scores.Ratings.Rmse) : "-",
                mf ? F4(run.Scores.Ratings.Mae) : "-",
                F4(run.Scores.Sampled.HitRate),
                F4(run.Scores.Sampled.Ndcg),
                F4(run.Scores.Full?.HitRate),
                F4(run.Scores.Full?.Ndcg),
                run.TrainSeconds.ToString("F2", Invariant),
                run.RoundsPerSecond?.ToString("F2", Invariant) ?? "-",
                run.Rounds.Count == 0 ? "-" : (run.CpuSeconds / run.Rounds.Count * 1000).ToString("F1", Invariant));
        }

        AnsiConsole.Write(table);
        foreach (var target in RecsysBench.Targets(result))
        {
            AnsiConsole.MarkupLine(Markup.Escape($"target {target["target"]}: {((bool?)target["met"] == true ? "MET" : "NOT MET")} ({target["detail"]})"));
        }

        AnsiConsole.MarkupLine(Markup.Escape(
            $"peak working set {result.PeakWorkingSetBytes / 1e6:F0} MB; bench {result.Seconds:F1} s; load average before / after: {loadBefore ?? "-"} / {loadAfter ?? "-"}"));
    }

    private static string F4(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("F4", Invariant) : "-";
}
