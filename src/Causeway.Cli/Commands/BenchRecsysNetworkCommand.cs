using System.CommandLine;
using System.Globalization;
using Causeway.Cli.Bench;
using Causeway.Cli.Composition;
using Causeway.Cli.Output;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary>
/// <c>causeway bench recsys-network</c>: federated matrix factorisation over the network — user-parties (virtual users,
/// one session each) or silos served by a few party processes — with rounds per second, bytes per party and round, and
/// RMSE against the same run in simulation.
/// </summary>
internal static class BenchRecsysNetworkCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var defaults = new RecsysNetworkBench.Settings { WorkDirectory = Path.Combine(".causeway", "bench-recsys-network") };
        var users = new Option<int>("--users") { Description = "Users: the first N of the ratings file, each its own party (or dealt to --silos).", DefaultValueFactory = _ => defaults.Users };
        var processes = new Option<int>("--processes") { Description = "Party processes serving them.", DefaultValueFactory = _ => defaults.Processes };
        var silos = new Option<bool>("--silos") { Description = "Cross-silo: each process is one party holding its share of the users (default: one party per user)." };
        var rounds = new Option<int>("--rounds") { Description = "Rounds (the last one ends with a federated evaluation).", DefaultValueFactory = _ => defaults.Rounds };
        var factors = new Option<int>("--factors") { Description = "The rank k.", DefaultValueFactory = _ => defaults.Factors };
        var serverRate = new Option<float>("--server-lr") { Description = "Server SGD's step on the summed item gradients.", DefaultValueFactory = _ => defaults.ServerLearningRate };
        var ratings = new Option<FileInfo?>("--ratings") { Description = $"A ratings file (user,item,rating[,timestamp]); default {defaults.RatingsPath}.", HelpName = "FILE" };
        var asynchronous = new Option<bool>("--async")
        {
            Description = "Then the same number of updates asynchronously (buffered: K = parties/10, 2K training at once) in a fresh federation, side by side with the synchronous run.",
        };
        var workDirectory = new Option<DirectoryInfo?>("--work-dir")
        {
            Description = "Where the bench writes certificates, the ratings, logs and the database: a new or empty folder, or one an earlier bench made "
                + $"(marked by {WorkFolder.MarkerFile}; emptied first). Default: a new folder under {defaults.WorkDirectory}/ for every run.",
            HelpName = "DIR",
        };
        var seed = CliOptions.Seed();
        var report = CliOptions.Report();
        var command = new Command("recsys-network", "Federated matrix factorisation over the network on loopback: 200 user-parties served by 4 processes (or silos), rounds/s, bytes per party and round, RMSE vs simulation.")
        {
            users, processes, silos, rounds, factors, serverRate, ratings, asynchronous, workDirectory, seed, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = defaults with
            {
                Users = parse.GetValue(users),
                Processes = parse.GetValue(processes),
                Silos = parse.GetValue(silos),
                Rounds = parse.GetValue(rounds),
                Factors = parse.GetValue(factors),
                ServerLearningRate = parse.GetValue(serverRate),
                Async = parse.GetValue(asynchronous),
                Seed = parse.GetValue(seed),
                RatingsPath = parse.GetValue(ratings)?.FullName ?? Path.Combine(DemoDatasets.LocateSamples(), "data", "movielens-latest-small", "ratings.csv"),
            };
            if (settings.Users < 1 || settings.Processes < 1 || settings.Processes > settings.Users || settings.Rounds < 1 || settings.Factors < 1 || !(settings.ServerLearningRate > 0))
            {
                Console.Error.WriteLine("bench recsys-network: --users >= 1, 1 <= --processes <= --users, --rounds >= 1, --factors >= 1 and --server-lr > 0 are required.");
                return 2;
            }

            using var work = parse.GetValue(workDirectory) is { } named
                ? WorkFolder.Claim(named.FullName, "--work-dir", "causeway bench recsys-network")
                : WorkFolder.CreateUnique(defaults.WorkDirectory, "causeway bench recsys-network", TimeProvider.System);
            settings = settings with { WorkDirectory = work.Path };
            var loadBefore = LoadAverage.Read();
            RecsysNetworkBench.Result result = null!;
            try
            {
                await BenchProgress.StartAsync(async progress => result = await RecsysNetworkBench.RunAsync(settings, progress, cancellationToken));
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or IOException or Core.Data.DataFormatException)
            {
                Console.Error.WriteLine($"bench recsys-network: {e.Message}");
                return 1;
            }

            var loadAfter = LoadAverage.Read();
            Write(result, loadBefore, loadAfter);
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("recsys-network", loadBefore, loadAfter, result.ToJson()));
            }

            return 0;
        });
        return command;
    }

    private static void Write(RecsysNetworkBench.Result result, string? loadBefore, string? loadAfter)
    {
        var s = result.Settings;
        var partition = s.Silos ? $"{result.Parties} silos" : $"{result.Parties} user-parties";
        var runs = result.Async is { } asynchronous ? new[] { result.Sync, asynchronous } : [result.Sync];
        var table = new Table()
            .Title(Markup.Escape(string.Create(Invariant, $"Federated MF over the network (gradient sum, k = {s.Factors}): {partition} in {s.Processes} processes, {result.Items:N0} items, {result.Ratings:N0} training ratings")))
            .AddColumn("measure");
        foreach (var run in runs)
        {
            table.AddColumn(new TableColumn(run.Config.Updates.Mode == Federation.Configuration.UpdateMode.Async
                ? string.Create(Invariant, $"async (K = {run.Config.Updates.BufferSize})")
                : "sync").RightAligned());
        }

        void Row(string measure, Func<RecsysNetworkBench.Measured, string> value) => table.AddRow([Markup.Escape(measure), .. runs.Select(r => Markup.Escape(value(r)))]);
        Row("rounds (server steps)", r => r.Rounds.Count.ToString(Invariant));
        Row("updates applied", r => r.Rounds.Sum(x => x.Updates).ToString(Invariant));
        Row("run seconds (start to last close)", r => r.RunSeconds.ToString("F1", Invariant));
        Row("rounds per second", r => r.RoundsPerSecond.ToString("F2", Invariant));
        Row("updates per second", r => r.UpdatesPerSecond.ToString("F1", Invariant));
        Row("update bytes per party per round (median)", r => string.Create(Invariant, $"{r.BytesPerPartyPerRound / 1e3:F1} kB"));
        Row("loopback bytes per update (task down + update up, with TLS/HTTP/2/IP)", r => r.LoopbackBytesPerUpdate is { } b ? string.Create(Invariant, $"{b / 1e3:F1} kB") : "-");
        Row("RMSE over the network (held-out 20 %)", r => r.NetworkRmse?.ToString("F4", Invariant) ?? "-");
        Row("RMSE of the same run in simulation", r => r.SimulatedRmse.ToString("F4", Invariant));
        Row("staleness mean / max (refused as stale)", r => r.Staleness is { } t ? string.Create(Invariant, $"{t.Mean:F2} / {t.Max} ({t.RefusedAsStale})") : "-");
        foreach (var name in result.Sync.Usage.Select(u => u.Name))
        {
            Row($"{name}: CPU / peak RSS", r => r.Usage.FirstOrDefault(u => u.Name == name) is { } u ? string.Create(Invariant, $"{u.CpuSeconds:F1} s / {u.PeakResidentBytes / 1e6:F0} MB") : "-");
        }

        table.AddRow("load average before / after", Markup.Escape($"{loadBefore ?? "-"} / {loadAfter ?? "-"}"));
        AnsiConsole.Write(table);
    }
}
