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
        var fraction = new Option<double>("--fraction") { Description = "Share of the parties every federated round selects, in (0, 1].", DefaultValueFactory = _ => defaults.Fraction };
        var protections = new Option<string[]>("--protection")
        {
            Description = "Run every MF mode again under this protection (secagg: dense/counted updates under secure aggregation; secagg+: the same on a sparse peer graph, Bell et al. 2020; secagg+auth: SecAgg+ with signed keys and the consistency check; paillier: encrypted, FedMF) and compare RMSE and cost with the plain run.",
            AllowMultipleArgumentsPerToken = true,
        };
        protections.AcceptOnlyFromAmong("secagg", "secagg+", "secagg+auth", "paillier");
        var secaggClip = new Option<double?>("--secagg-clip") { Description = "Secure aggregation's per-value clip bound (default 1 for the means; 8 per user, 256 per silo for the gradient sum)." };
        var paillierBits = new Option<int>("--paillier-bits") { Description = "Paillier modulus bits.", DefaultValueFactory = _ => defaults.Privacy.PaillierKeyBits };
        var dpEpsilons = new Option<string?>("--dp-epsilons")
        {
            Description = "User-level DP sweep (gradient mode, DP-FedSGD): comma-separated target ε values, 'inf' for clipping without noise, e.g. 1,2,4,8,inf.",
            HelpName = "LIST",
        };
        var dpClip = new Option<double>("--dp-clip") { Description = "L2 clip norm of a party's item gradient in the DP sweep.", DefaultValueFactory = _ => defaults.Privacy.DpClip };
        var dpServerRate = new Option<float?>("--dp-server-lr") { Description = "Server learning rate of the DP runs (default 0.005 x parties per round: they step with the mean, not the sum)." };
        var hybrid = new Option<bool>("--hybrid")
        {
            Description = "Also train the hybrid model (MF + genre vectors from --genres) with the gradient sum and compare it with plain MF on cold items and users.",
        };
        var genres = new Option<FileInfo?>("--genres") { Description = "The MovieLens movies.csv of --hybrid (default: movies.csv beside --ratings).", HelpName = "FILE" };
        var parallelism = new Option<int>("--parallelism") { Description = "Parties training at once.", DefaultValueFactory = _ => defaults.Parallelism };
        var seed = CliOptions.Seed();
        var report = CliOptions.Report();
        var command = new Command("recsys", "Federated collaborative filtering (MF and BPR, every user a party) vs the centralised model: RMSE, MAE, HR/NDCG@10, rounds/s.")
        {
            ratings, split, factors, modes, rounds, silos, noBpr, dense, server, serverRate, synthetic, syntheticItems, perUser, asyncRun, fraction, protections, secaggClip, paillierBits,
            dpEpsilons, dpClip, dpServerRate, hybrid, genres, parallelism, seed, report,
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

            var epsilons = new List<double>();
            foreach (var item in (parse.GetValue(dpEpsilons) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (item.Equals("inf", StringComparison.OrdinalIgnoreCase))
                {
                    epsilons.Add(double.PositiveInfinity);
                }
                else if (double.TryParse(item, NumberStyles.Float, Invariant, out var epsilon) && epsilon > 0 && double.IsFinite(epsilon))
                {
                    epsilons.Add(epsilon);
                }
                else
                {
                    Console.Error.WriteLine($"bench recsys: --dp-epsilons takes positive numbers and 'inf', not '{item}'.");
                    return 2;
                }
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
                Fraction = parse.GetValue(fraction),
                GenresPath = !parse.GetValue(hybrid) ? null
                    : parse.GetValue(genres)?.ToString() ?? Path.Combine(Path.GetDirectoryName(parse.GetValue(ratings)!.ToString()) ?? ".", "movies.csv"),
                Privacy = defaults.Privacy with
                {
                    Protections = parse.GetValue(protections) ?? [],
                    SecAggClip = parse.GetValue(secaggClip),
                    PaillierKeyBits = parse.GetValue(paillierBits),
                    DpEpsilons = epsilons,
                    DpClip = parse.GetValue(dpClip),
                    DpServerLearningRate = parse.GetValue(dpServerRate),
                },
            };
            if (settings.Fraction is not (> 0 and <= 1) || settings.Privacy.SecAggClip is not (null or > 0) || settings.Privacy.DpClip is not > 0
                || settings.Privacy.DpServerLearningRate is not (null or > 0) || settings.Privacy.PaillierKeyBits is < 2048 or > 8192 || settings.Privacy.PaillierKeyBits % 256 != 0)
            {
                Console.Error.WriteLine(
                    "bench recsys: --fraction in (0, 1], a positive --secagg-clip, --dp-clip and --dp-server-lr, and --paillier-bits from 2048 to 8192 in steps of 256 are required.");
                return 2;
            }

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

            if (settings.GenresPath is { } genresPath && (settings.SyntheticUsers is not null || !File.Exists(genresPath)))
            {
                Console.Error.WriteLine(settings.SyntheticUsers is not null
                    ? "bench recsys: --hybrid needs real items with genres, not --synthetic-users."
                    : $"bench recsys: --hybrid needs the items' genres: '{genresPath}' does not exist (give --genres FILE, a MovieLens movies.csv).");
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
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("recsys", loadBefore, loadAfter, RecsysBench.ToJson(result)));
                if (RecsysBench.DpSvg(result) is { } svg)
                {
                    var plot = Path.ChangeExtension(file.FullName, ".dp.svg");
                    File.WriteAllText(plot, svg);
                    AnsiConsole.MarkupLine(Markup.Escape($"RMSE and NDCG@10 against ε: {plot}"));
                }
            }

            Write(result, loadBefore, loadAfter);

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
        WritePrivacy(result);
        RecsysBench.WriteHybridTable(result);
        foreach (var target in RecsysBench.Targets(result))
        {
            AnsiConsole.MarkupLine(Markup.Escape($"target {target["target"]}: {((bool?)target["met"] == true ? "MET" : "NOT MET")} ({target["detail"]})"));
        }

        AnsiConsole.MarkupLine(Markup.Escape(
            $"peak working set {result.PeakWorkingSetBytes / 1e6:F0} MB; bench {result.Seconds:F1} s; load average before / after: {loadBefore ?? "-"} / {loadAfter ?? "-"}"));
    }

    private static void WritePrivacy(RecsysBench.Result result)
    {
        var comparisons = RecsysBench.ProtectionComparisons(result).ToList();
        if (comparisons.Count > 0)
        {
            var table = new Table()
                .Title("Protected vs plain, same mode, same bench (party CPU per party and round; coordinator CPU per round; bytes a party uploads per round)")
                .AddColumns("run", "RMSE", "plain RMSE", "difference", "party CPU ms", "x plain", "coordinator CPU ms", "x plain", "bytes/party/round", "x plain");
            foreach (var c in comparisons)
            {
                table.AddRow(
                    Markup.Escape((string)c["label"]!),
                    F6((double?)c["rmse"]),
                    F6((double?)c["plain_rmse"]),
                    ((double?)c["rmse_difference"])?.ToString("+0.0E+0;-0.0E+0", Invariant) ?? "-",
                    F2((double?)c["party_cpu_ms_per_party_round"]),
                    F2((double?)c["party_cpu_ratio"]),
                    F2((double?)c["coordinator_cpu_ms_per_round"]),
                    F2((double?)c["coordinator_cpu_ratio"]),
                    ((double?)c["bytes_per_party_round"])?.ToString("N0", Invariant) ?? "-",
                    F2((double?)c["bytes_ratio"]));
            }

            AnsiConsole.Write(table);
        }

        var sweep = RecsysBench.DpSweep(result).ToList();
        if (sweep.Count > 0)
        {
            var table = new Table()
                .Title("User-level DP (gradient mode, DP-FedSGD; one party = one user unless --silos): quality against ε")
                .AddColumns("target ε", "ε spent", "σ", "clip S", "q", "rounds", "RMSE", "HR@10", "NDCG@10");
            foreach (var p in sweep)
            {
                table.AddRow(
                    ((double?)p["target_epsilon"])?.ToString("G4", Invariant) ?? "∞",
                    ((double?)p["epsilon"])?.ToString("F3", Invariant) ?? "∞",
                    ((double?)p["noise_multiplier"])?.ToString("F3", Invariant) ?? "-",
                    ((double?)p["clip_norm"])?.ToString("G4", Invariant) ?? "-",
                    ((double?)p["sampling_rate"])?.ToString("G3", Invariant) ?? "-",
                    ((int?)p["rounds"])?.ToString(Invariant) ?? "-",
                    F4((double?)p["rmse"]),
                    F4((double?)p["hr_at_10"]),
                    F4((double?)p["ndcg_at_10"]));
            }

            AnsiConsole.Write(table);
        }
    }

    private static string F2(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("F2", Invariant) : "-";

    private static string F6(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("F6", Invariant) : "-";

    private static string F4(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("F4", Invariant) : "-";
}
