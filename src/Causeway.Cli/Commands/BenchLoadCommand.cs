using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Bench;
using Causeway.Cli.Output;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway bench load</c>: a thousand parties, hosted by this process, against one coordinator process.</summary>
internal static class BenchLoadCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var defaults = new LoadBench.Settings { WorkDirectory = Path.Combine(".causeway", "bench-load") };
        var parties = new Option<int>("--parties") { Description = "Parties this process hosts, each with its own connection and session.", DefaultValueFactory = _ => defaults.Parties };
        var rounds = new Option<int>("--rounds") { Description = "Rounds of the run over all of them.", DefaultValueFactory = _ => defaults.Rounds };
        var idle = new Option<double>("--idle-seconds") { Description = "Seconds of the idle measurement with every party joined.", DefaultValueFactory = _ => defaults.IdleSeconds };
        var workDirectory = new Option<DirectoryInfo>("--work-dir")
        {
            Description = "Where the run gets a fresh sub-folder (certificates, logs, database).",
            DefaultValueFactory = _ => new DirectoryInfo(defaults.WorkDirectory),
            HelpName = "DIR",
        };
        var report = CliOptions.Report();
        var command = new Command("load", "Many parties (hosted by this process, each with its own HTTP/2 + TLS session) against one coordinator process: memory and CPU per party, rounds closing.")
        {
            parties, rounds, idle, workDirectory, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = defaults with
            {
                Parties = parse.GetValue(parties),
                Rounds = parse.GetValue(rounds),
                IdleSeconds = parse.GetValue(idle),
                WorkDirectory = parse.GetValue(workDirectory)!.FullName,
            };
            if (settings.Parties is < 1 or > 10_000 || settings.Rounds < 1 || settings.IdleSeconds is < 1 or > 3600)
            {
                Console.Error.WriteLine("bench load: --parties from 1 to 10,000, --rounds >= 1 and --idle-seconds from 1 to 3600.");
                return 2;
            }

            LoadBench.Result result = null!;
            try
            {
                await BenchProgress.StartAsync(async progress => result = await LoadBench.RunAsync(settings, progress, cancellationToken));
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or IOException)
            {
                Console.Error.WriteLine($"bench load: {e.Message}");
                return 1;
            }

            var table = new Table().Title($"{settings.Parties} parties against one coordinator process").AddColumns("measure", "value");
            table.AddRow("parties joined", result.Joined.ToString(Invariant));
            table.AddRow("time for all to join", string.Create(Invariant, $"{result.JoinSeconds:F1} s"));
            table.AddRow("coordinator RSS before / with all joined", string.Create(Invariant, $"{result.CoordinatorBefore.RssBytes / 1e6:F0} / {result.CoordinatorJoined.RssBytes / 1e6:F0} MB"));
            table.AddRow("coordinator memory per connected party", string.Create(Invariant, $"{result.KilobytesPerParty:F1} KB"));
            table.AddRow("coordinator idle CPU (all joined, no run)", string.Create(Invariant, $"{result.IdleCoordinatorCores:F4} cores"));
            table.AddRow("rounds closed (updates each)", string.Join(", ", result.Rounds.Select(r => r.Updates.ToString(Invariant))));
            table.AddRow("median round", string.Create(Invariant, $"{Quantiles.Median(result.Rounds.Select(r => r.Seconds)):F2} s"));
            table.AddRow("coordinator CPU per party-round", string.Create(Invariant, $"{result.CoordinatorCpuMsPerPartyRound:F3} ms"));
            table.AddRow("coordinator peak RSS", string.Create(Invariant, $"{result.CoordinatorPeakBytes / 1e6:F0} MB"));
            table.AddRow("load average before / after", Markup.Escape($"{result.LoadBefore ?? "-"} / {result.LoadAfter ?? "-"}"));
            AnsiConsole.Write(table);
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("load", result.LoadBefore, result.LoadAfter, result.ToJson()));
            }

            return 0;
        });
        return command;
    }
}
